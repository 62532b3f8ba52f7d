// bundle_test.cpp — being written.
