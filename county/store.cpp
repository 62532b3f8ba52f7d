// store.cpp — being written.
