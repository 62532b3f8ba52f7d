// pki_test.cpp — being written.
