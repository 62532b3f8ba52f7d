// uploader.cpp — being written.
