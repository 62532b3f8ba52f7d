// users.cpp — being written.
