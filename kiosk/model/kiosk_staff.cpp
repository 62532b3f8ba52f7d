// kiosk_staff.cpp — the app model's staff mode: login through the staff session (on the records lane), logout,
// 受理 and missing materials through the record services, reprint, test page, printer and sync checks.
#include "kiosk/model/kiosk_app.hpp"

#include "kiosk/model/json_util.hpp"

namespace yimen::kiosk {

void KioskApp::staff_login() {
    focused_ = nullptr;
    std::string id = staff.staff_id.value;
    std::string pin = staff.pin.value;
    staff.pin.clear();
    if (id.empty() || pin.empty()) {
        staff.error = tr("staff.err_enter_both");
        return;
    }
    staff.error.clear();
    staff.message = tr("staff.checking");
    auto* session = staff_session_.get();
    runner_.submit<LoginOutcome>(
        Lane::records,
        [session, id, pin] {
            return session ? session->attempt(id, pin) : detail::Unavailable<LoginOutcome>::make();
        },
        [this, id](LoginOutcome out) { staff_login_result(id, out); });
}

void KioskApp::staff_login_result(const std::string& id, const LoginOutcome& out) {
    using Kind = LoginOutcome::Kind;
    staff.message.clear();
    switch (out.kind) {
        case Kind::still_locked:
            staff.error = i18n_->fmt("staff.err_locked", {std::to_string(out.minutes)});
            return;
        case Kind::locked_now:
            staff.error = i18n_->fmt("staff.err_locked_now", {std::to_string(out.minutes)});
            return;
        case Kind::wrong:
            staff.error = i18n_->fmt("staff.err_wrong", {std::to_string(out.tries_left)});
            return;
        case Kind::not_saved:
            staff.error = tr("staff.err_login_not_saved");
            return;
        case Kind::ok: break;
    }
    staff.logged_in = id;
    staff.logged_in_name = out.name;
    staff.staff_id.clear();
    staff.error.clear();
    staff.page = StaffPage::menu;
    router_.staff_began();
    refresh_staff_view();
}

void KioskApp::staff_logout(const std::string& reason) {
    if (!staff.logged()) return;
    // Journaled on the records lane; the screen leaves staff mode at once either way.
    on_records<Status>([id = staff.logged_in, reason](RecordServices& r) { return r.staff_logout(id, reason); },
                       [](Status) {});
    staff = StaffState{};
    staff_view_ = StaffView{};
    focused_ = nullptr;
    if (screen() == Screen::staff || (screen() == Screen::intake && intake.assisted)) {
        intake.reset();
        router_.show(Screen::home);
    }
}

void KioskApp::staff_page(StaffPage p) {
    focused_ = nullptr;
    staff.error.clear();
    staff.message.clear();
    staff.page = staff.logged() ? p : StaffPage::login;
    refresh_staff_view();
}

void KioskApp::refresh_staff_view() {
    if (!staff.logged()) return;
    staff_view_read_ms_ = clock_->now_utc_ms();
    on_records<StaffView>([selected = staff.selected, config = &config_](RecordServices& r) {
                              auto v = r.read_staff_view(selected);
                              v.installed_bundle = installed_bundle_version(*config);  // a directory read: here too
                              return v;
                          },
                          [this](StaffView v) {
                              if (!staff.logged()) return;  // logged out meanwhile: nothing of it stays
                              staff_view_ = std::move(v);
                              if (fill_checked_ && staff_view_.selected &&
                                  staff_view_.selected->receipt_number == staff.selected) {
                                  fill_checked_ = false;
                                  auto& payload = staff_view_.selected->payload;
                                  if (payload.contains("materials_received"))
                                      for (auto& m : payload["materials_received"]) staff.checked.insert(json_as_str(m));
                              }
                          });
}

void KioskApp::staff_open(const std::string& receipt) {
    staff.selected = receipt;
    fill_checked_ = true;
    staff.checked.clear();
    staff.error.clear();
    staff.message.clear();
    staff.page = StaffPage::accept_detail;
    refresh_staff_view();
}

void KioskApp::staff_accept() {
    const std::string staff_id = staff.logged_in;
    on_records<Result<AcceptanceRecorded>>(
        [receipt = staff.selected, checked = staff.checked, staff_id](RecordServices& r) {
            return r.accept(receipt, checked, staff_id);
        },
        [this, staff_id](Result<AcceptanceRecorded> done) {
            if (!done) {
                staff.error = record_error(done.error());
                return;
            }
            auto* p = data_->rules.programme(done.value().application.programme);
            last_served_by = staff_id;
            staff.error.clear();
            staff.message = tr("staff.accepted_printing");
            if (p) print(acceptance_receipt(receipt_context(), done.value().application, *p, done.value().day, staff_id));
            staff.page = StaffPage::accept_list;
            refresh_staff_view();
        });
}

void KioskApp::staff_record_missing() {
    on_records<Status>(
        [receipt = staff.selected, checked = staff.checked](RecordServices& r) {
            return r.record_missing(receipt, checked);
        },
        [this](Status done) {
            if (done) staff.message = tr("staff.missing_recorded");
            else staff.error = record_error(done.error());
        });
}

void KioskApp::staff_reprint() {
    focused_ = nullptr;
    auto rn = parse_receipt_number(staff.reprint_receipt.value);
    if (!rn) {
        staff.error = tr("staff.err_bad_receipt");
        return;
    }
    // The journal lookup is a read on the records lane; printing follows on the print lane.
    on_records<Result<PrintService::Reprint>>(
        [receipt = rn.value().text](RecordServices& r) { return PrintService::reprint_of(r.store(), receipt); },
        [this, grouped = rn.value().grouped()](Result<PrintService::Reprint> again) {
            if (!again) {
                staff.error = tr("staff.err_no_print");
                return;
            }
            staff.error.clear();
            staff.message = i18n_->fmt("staff.reprinting", {grouped});
            print(again.value().doc, again.value().reprint_of);
        });
}

void KioskApp::staff_test_page() { print(test_page(receipt_context())); }

void KioskApp::staff_sync_now() {
    sync_->sync_now();
    staff.message = tr("staff.sync_started");
    refresh_staff_view();
}

void KioskApp::staff_check_printer() {
    auto* service = print_service_.get();
    runner_.submit<PrintOutcome>(Lane::print, [service] { return service->status(); },
                                 [this](PrintOutcome st) { staff.message = i18n_->error("printer", {st.outcome, st.message}); });
}

void KioskApp::staff_toggle_checked(const std::string& material) {
    if (!staff.checked.erase(material)) staff.checked.insert(material);
}

void KioskApp::staff_pick_reprint(const std::string& receipt) {
    staff.reprint_receipt.value = receipt;
    staff.error.clear();
}

}  // namespace yimen::kiosk
