// bundle.cpp — being written.
