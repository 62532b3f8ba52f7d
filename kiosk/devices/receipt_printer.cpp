// receipt_printer.cpp — the preview-directory printer and the fallback (see receipt_printer.hpp).
#include "kiosk/devices/receipt_printer.hpp"

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

class DirPrinter final : public ReceiptPrinter {
public:
    explicit DirPrinter(std::string dir) : dir_(std::move(dir)) {}

    PrintOutcome print(const ReceiptDocument& doc) override {
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
    PrintOutcome status() override { return {"printed", "预览打印机正常（收据写入 " + dir_ + "）", ""}; }
    std::string describe() const override { return "dir:" + dir_; }

private:
    std::string dir_;
    std::atomic<int> counter_{0};
};

class UnwiredPrinter final : public ReceiptPrinter {
public:
    explicit UnwiredPrinter(std::string uri) : uri_(std::move(uri)) {}
    PrintOutcome print(const ReceiptDocument&) override { return status(); }
    PrintOutcome status() override {
        return {"offline", "打印机暂时不可用，请工作人员检查打印机连接（" + uri_ + "）", ""};
    }
    std::string describe() const override { return uri_; }

private:
    std::string uri_;
};

}  // namespace

std::unique_ptr<ReceiptPrinter> open_receipt_printer(const std::string& uri) {
    if (uri.rfind("dir:", 0) == 0) return std::make_unique<DirPrinter>(uri.substr(4));
    return std::make_unique<UnwiredPrinter>(uri.empty() ? std::string("未配置") : uri);
}

}  // namespace yimen::kiosk
