// receipt_printer.cpp — the kiosk's receipts through printer/'s templates, for every URI (see receipt_printer.hpp).
#include "kiosk/devices/receipt_printer.hpp"

#include <mutex>

#include "kiosk/model/json_util.hpp"
#include "printer/templates.hpp"

namespace yimen::kiosk {

namespace {

// The outcome as the kiosk shows it: the resident's sentence, and what staff should do when it did not print.
PrintOutcome outcome_of(const printer::PrintResult& r) {
    return {printer::to_string(r.outcome), r.printed() ? r.screen_message : r.screen_message + " " + r.staff_message,
            r.printed() ? r.preview : std::string()};
}

// A receipt that cannot reach any printer (no URI, an unknown profile, a bad URI) is journalled all the same, so
// staff see it among the receipts to reprint once the printer is set up.
class UnwiredPrinter final : public ReceiptPrinter {
public:
    UnwiredPrinter(std::string uri, std::string assets_dir) : uri_(std::move(uri)), assets_(std::move(assets_dir)) {}
    PrintOutcome print(const ReceiptDocument& doc, printer::PrintJournal& journal) override {
        printer::JobRecord rec;
        rec.template_name = doc.template_name;
        auto filled = printer::render_template(assets_, doc.template_name, doc.template_data());
        rec.document = filled ? printer::to_json(*filled) : nlohmann::json::object();
        rec.printer = uri_;
        rec.queued_at = std::chrono::system_clock::now();
        auto id = journal.job_queued(rec);
        if (!id) return {"offline", "打印记录无法保存，回执没有打印。请工作人员检查本机磁盘空间后补打", ""};
        PrintOutcome out = status();
        if (!journal.job_finished(*id, printer::Outcome::offline, std::chrono::system_clock::now()))
            out.message += "（打印记录未能保存，请工作人员检查本机磁盘空间）";
        return out;
    }
    PrintOutcome status() override {
        return {"offline", "打印机暂时不可用，请工作人员检查打印机设置和连接（" + uri_ + "）", ""};
    }
    std::string describe() const override { return uri_; }

private:
    std::string uri_;
    std::string assets_;
};

// Any printer printer/ can open, the preview folder (dir:) included: the receipt's own template, laid out for the
// profile, sent as ESC/POS, acknowledged, journalled.
class TemplatePrinter final : public ReceiptPrinter {
public:
    TemplatePrinter(std::string uri, std::unique_ptr<printer::Printer> p) : uri_(std::move(uri)), printer_(std::move(p)) {}
    PrintOutcome print(const ReceiptDocument& doc, printer::PrintJournal& journal) override {
        nlohmann::json data = doc.template_data();
        // The test page describes the printer it comes out of: the profile's own keys.
        if (doc.template_name == "testpage")
            data.update(printer::testpage_data(printer_->profile(), json_str(data, "test_code")));
        std::lock_guard lock(mu_);
        return outcome_of(printer_->print({doc.template_name, data, std::nullopt, std::nullopt}, journal));
    }
    PrintOutcome status() override {
        std::lock_guard lock(mu_);
        const auto s = printer_->status().summary();
        return {printer::to_string(s), printer::staff_message(s), ""};
    }
    std::string describe() const override { return uri_; }

private:
    std::string uri_;
    std::mutex mu_;
    std::unique_ptr<printer::Printer> printer_;
};

}  // namespace

std::unique_ptr<ReceiptPrinter> open_receipt_printer(const std::string& uri, const std::string& profile_name,
                                                     const std::string& assets_dir) {
    const std::string assets = assets_dir.empty() ? printer::default_assets_dir() : assets_dir;
    if (!uri.empty()) {
        auto profile = printer::load_profile(assets, profile_name);
        if (profile) {
            printer::PrinterOptions opt;
            opt.assets_dir = assets;
            auto p = printer::Printer::open(uri, *profile, opt);
            if (p) return std::make_unique<TemplatePrinter>(uri, std::move(p).value());
        }
    }
    return std::make_unique<UnwiredPrinter>(uri.empty() ? std::string("未配置") : uri, assets);
}

}  // namespace yimen::kiosk
