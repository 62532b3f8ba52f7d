// protocol.cpp — being written.
