// pki.cpp — being written.
