// casework.cpp — being written.
