// ingest.cpp — being written.
