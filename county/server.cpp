// server.cpp — being written.
