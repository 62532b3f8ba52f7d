// pulled_store.cpp — being written.
