// receipt_printer.cpp — the preview-directory printer and the fallback (see receipt_printer.hpp).
#include "kiosk/devices/receipt_printer.hpp"

#include <mutex>


#include <atomic>
#include <filesystem>
#include <fstream>

#include "kiosk/devices/qr_png.hpp"
#include "kiosk/model/json_util.hpp"

namespace yimen::kiosk {

nlohmann::json ReceiptDocument::to_json() const {
    auto arr = nlohmann::json::array();
    for (auto& l : lines) arr.push_back({{"text", l.text}, {"large", l.large}});
    return {{"template", template_name}, {"receipt_number", receipt_number}, {"title", title}, {"lines", arr}};
}

ReceiptDocument ReceiptDocument::from_json(const nlohmann::json& j) {
    ReceiptDocument d;
    d.template_name = json_str(j, "template");
    d.receipt_number = json_str(j, "receipt_number");
    d.title = json_str(j, "title");
    if (j.contains("lines"))
        for (auto& l : j["lines"]) d.lines.push_back({json_str(l, "text"), json_bool(l, "large")});
    return d;
}

namespace {

// Printers that do not go through printer/'s driver journal their jobs the same way the driver does.
Result<std::int64_t> journal_job(printer::PrintJournal& journal, const ReceiptDocument& doc, const std::string& uri) {
    printer::JobRecord rec;
    rec.template_name = "kiosk";
    rec.document = doc.to_json();
    rec.printer = uri;
    rec.queued_at = std::chrono::system_clock::now();
    auto id = journal.job_queued(rec);
    if (!id) return Error{"journal", "打印记录无法保存，回执没有打印。请工作人员检查本机磁盘空间后补打"};
    return id;
}

PrintOutcome finish(printer::PrintJournal& journal, std::int64_t id, PrintOutcome out) {
    auto o = printer::outcome_from_string(out.outcome).value_or(printer::Outcome::offline);
    if (!journal.job_finished(id, o, std::chrono::system_clock::now()))
        out.message += "（打印记录未能保存，请工作人员检查本机磁盘空间）";
    return out;
}

class DirPrinter final : public ReceiptPrinter {
public:
    explicit DirPrinter(std::string dir) : dir_(std::move(dir)) {}

    PrintOutcome print(const ReceiptDocument& doc, printer::PrintJournal& journal) override {
        auto id = journal_job(journal, doc, describe());
        if (!id) return {"offline", id.error().message, ""};
        PrintOutcome out = write(doc);
        return finish(journal, *id, out);
    }
    PrintOutcome status() override { return {"printed", "预览打印机正常（收据写入 " + dir_ + "）", ""}; }
    std::string describe() const override { return "dir:" + dir_; }

private:
    PrintOutcome write(const ReceiptDocument& doc) {
        std::error_code ec;
        std::filesystem::create_directories(dir_, ec);
        if (ec) return {"offline", "收据目录无法写入，请工作人员检查打印设置", ""};
        int n = ++counter_;
        std::string stem = dir_ + "/" + (doc.receipt_number.empty() ? std::string("test") : doc.receipt_number) +
                           "-" + doc.template_name + "-" + std::to_string(n);
        std::ofstream out(stem + ".txt");
        out << doc.title << "\n";
        for (auto& l : doc.lines) out << l.text << "\n";
        if (!out) return {"offline", "收据目录无法写入，请工作人员检查打印设置", ""};
        if (!doc.receipt_number.empty()) {
            out << "[QR] " << stem << ".png\n";
            if (!write_qr_png(make_qr(doc.receipt_number), stem + ".png"))
                return {"offline", "二维码生成失败，请工作人员重打回执", ""};
        }
        return {"printed", "回执已打印，请取走", stem + ".png"};
    }

    std::string dir_;
    std::atomic<int> counter_{0};
};

class UnwiredPrinter final : public ReceiptPrinter {
public:
    explicit UnwiredPrinter(std::string uri) : uri_(std::move(uri)) {}
    PrintOutcome print(const ReceiptDocument& doc, printer::PrintJournal& journal) override {
        // The attempt is journalled too: staff see the receipt that did not print and reprint it later.
        auto id = journal_job(journal, doc, uri_);
        if (!id) return {"offline", id.error().message, ""};
        return finish(journal, *id, status());
    }
    PrintOutcome status() override {
        return {"offline", "打印机暂时不可用，请工作人员检查打印机连接（" + uri_ + "）", ""};
    }
    std::string describe() const override { return uri_; }

private:
    std::string uri_;
};

}  // namespace

namespace {

// A real ESC/POS printer (usb:, serial:, tcp://) through printer/, with the kiosk's lines in the "kiosk" template.
class DriverPrinter final : public ReceiptPrinter {
public:
    DriverPrinter(std::string uri, std::unique_ptr<printer::Printer> p) : uri_(std::move(uri)), printer_(std::move(p)) {}
    PrintOutcome print(const ReceiptDocument& doc, printer::PrintJournal& journal) override {
        nlohmann::json lines = nlohmann::json::array();
        for (auto& l : doc.lines) lines.push_back(l.text);
        nlohmann::json data = {{"title", doc.title}, {"lines", lines}};
        if (!doc.receipt_number.empty()) data["receipt_number"] = doc.receipt_number;
        std::lock_guard lock(mu_);
        auto r = printer_->print({"kiosk", data, std::nullopt, std::nullopt}, journal);
        return {printer::to_string(r.outcome), r.printed() ? r.screen_message : r.screen_message + " " + r.staff_message, ""};
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

std::unique_ptr<ReceiptPrinter> open_receipt_printer(const std::string& uri, const std::string& profile_name) {
    if (uri.rfind("dir:", 0) == 0) return std::make_unique<DirPrinter>(uri.substr(4));
    if (!uri.empty()) {
        auto profile = printer::load_profile(printer::default_assets_dir(), profile_name);
        if (profile) {
            printer::Timeouts t;
            auto p = printer::Printer::open(uri, *profile, t);
            if (p) return std::make_unique<DriverPrinter>(uri, std::move(p).value());
        }
    }
    return std::make_unique<UnwiredPrinter>(uri.empty() ? std::string("未配置") : uri);
}

}  // namespace yimen::kiosk
