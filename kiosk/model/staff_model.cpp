// staff_model.cpp — the staff state is plain data (see staff_model.hpp); its effects live in kiosk_app.cpp.
#include "kiosk/model/staff_model.hpp"
