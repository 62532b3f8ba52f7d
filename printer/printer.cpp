// printer.cpp — one print job from request to acknowledged outcome, and the outcome's plain messages.
#include "printer/printer.hpp"

#include <cstdio>
#include <ctime>

#include "printer/escpos.hpp"
#include "printer/font.hpp"
#include "printer/layout.hpp"
#include "printer/templates.hpp"

namespace yimen::printer {

const char* to_string(Outcome o) {
    switch (o) {
        case Outcome::printed: return "printed";
        case Outcome::paper_near_end: return "paper_near_end";
        case Outcome::paper_empty: return "paper_empty";
        case Outcome::cover_open: return "cover_open";
        case Outcome::offline: return "offline";
        case Outcome::timed_out: return "timed_out";
        case Outcome::bad_document: return "bad_document";
    }
    return "offline";
}

std::optional<Outcome> outcome_from_string(const std::string& s) {
    for (Outcome o : {Outcome::printed, Outcome::paper_near_end, Outcome::paper_empty, Outcome::cover_open,
                      Outcome::offline, Outcome::timed_out, Outcome::bad_document})
        if (s == to_string(o)) return o;
    return std::nullopt;
}

std::string screen_message(Outcome o) {
    switch (o) {
        case Outcome::printed:
        case Outcome::paper_near_end: return "回执已打印，请从出纸口取走。";
        case Outcome::paper_empty:
            return "打印机没纸了，回执没有打出来。您的申请已经保存，请找工作人员换纸后补打，不用重新填写。";
        case Outcome::cover_open:
            return "打印机盖子没有合上，回执没有打出来。您的申请已经保存，请找工作人员处理后补打。";
        case Outcome::offline:
            return "打印机暂时连不上，回执没有打出来。您的申请已经保存，请找工作人员处理后补打。";
        case Outcome::timed_out:
            return "打印机没有确认打印完成。请看出纸口有没有回执；没有的话，请找工作人员补打。";
        case Outcome::bad_document: return "回执暂时无法打印，您的申请已经保存，请找工作人员。";
    }
    return {};
}

std::string staff_message(Outcome o) {
    switch (o) {
        case Outcome::printed: return "打印成功，打印机已确认。";
        case Outcome::paper_near_end: return "打印成功，但纸卷快用完了，请尽快换上新纸卷。";
        case Outcome::paper_empty: return "打印机缺纸：请装入新纸卷，合上盖子，然后在待补打列表中点“补打”。";
        case Outcome::cover_open: return "打印机上盖打开：请合上盖子，然后在待补打列表中点“补打”。";
        case Outcome::offline:
            return "打印机没有应答或连接断开：请检查电源、连接线和打印机地址设置，然后点“补打”。";
        case Outcome::timed_out:
            return "打印机在规定时间内没有确认打印：请查看是否出纸或卡纸；没出纸就点“补打”。";
        case Outcome::bad_document: return "回执模板或数据有误，无法打印：请联系技术人员检查模板和数据。";
    }
    return {};
}

Outcome PrinterStatus::summary() const {
    if (!answered || offline) {
        if (cover_open) return Outcome::cover_open;
        if (paper_empty) return Outcome::paper_empty;
        return Outcome::offline;
    }
    if (cover_open) return Outcome::cover_open;
    if (paper_empty) return Outcome::paper_empty;
    if (paper_near_end) return Outcome::paper_near_end;
    return Outcome::printed;
}

std::string rfc3339(TimePoint t) {
    const std::time_t s = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

namespace {

bool is_asb_head(int b) { return (b & 0x93) == 0x10; }
bool is_dle_eot_reply(int b) { return (b & 0x93) == 0x12; }
bool is_gs_r_reply(int b) { return (b & 0x90) == 0x00; }

// Reads one reply byte accepted by `want`, consuming automatic-status-back packets on the way (their paper and
// cover bits go to `asb`). Returns -1 on timeout or a closed line.
int read_reply(Transport& t, int timeout_ms, bool (*want)(int), PrinterStatus* asb, std::string& pending) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        while (!pending.empty()) {
            const int b = static_cast<unsigned char>(pending[0]);
            if (is_asb_head(b)) {
                if (pending.size() < 4) break;
                if (asb) {
                    asb->answered = true;
                    asb->cover_open = b & 0x20;
                    asb->offline = b & 0x08;
                    asb->paper_empty = static_cast<unsigned char>(pending[2]) & 0x0C;
                    asb->paper_near_end = static_cast<unsigned char>(pending[2]) & 0x03;
                }
                pending.erase(0, 4);
                continue;
            }
            pending.erase(0, 1);
            if (want(b)) return b;
        }
        if (asb && asb->answered && (asb->paper_empty || asb->cover_open)) return -1;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) return -1;
        auto r = t.read(64, static_cast<int>(left));
        if (!r) return -1;
        if (r->empty()) return -1;
        pending += *r;
    }
}

}  // namespace

nlohmann::json testpage_data(const PrinterProfile& p, const std::string& test_code) {
    return {{"profile_model", p.model},
            {"profile_name", p.name},
            {"paper_mm", p.paper == PaperWidth::mm58 ? 58 : 80},
            {"dots", p.dots()},
            {"columns", p.columns()},
            {"font_coverage", p.coverage == Coverage::gbk      ? "GBK"
                              : p.coverage == Coverage::gb2312 ? "GB2312"
                                                               : "无（全部图像打印）"},
            {"native_qr", p.native_qr ? "有" : "无（图像打印）"},
            {"status", p.status ? (p.auto_status_back ? "DLE EOT、GS r 与自动状态回报" : "DLE EOT 与 GS r") : "无"},
            {"test_code", test_code}};
}

PrinterStatus query_status(Transport& t, int timeout_ms) {
    PrinterStatus s;
    std::string pending;
    for (int n : {1, 2, 3, 4}) {
        if (!t.write(escpos::dle_eot(n), timeout_ms)) return s;
        const int b = read_reply(t, timeout_ms, is_dle_eot_reply, nullptr, pending);
        if (b < 0) return PrinterStatus{};
        s.answered = true;
        if (n == 1) s.offline = b & 0x08;
        if (n == 2) { s.cover_open = b & 0x04; s.paper_empty = s.paper_empty || (b & 0x20); }
        if (n == 3 && (b & 0x68)) s.offline = true;  // cutter, unrecoverable or auto-recoverable error
        if (n == 4) { s.paper_near_end = (b & 0x0C) != 0; s.paper_empty = s.paper_empty || (b & 0x60); }
    }
    return s;
}

Printer::Printer(std::string uri, PrinterProfile profile, PrinterOptions options)
    : uri_(std::move(uri)), profile_(std::move(profile)), opt_(std::move(options)) {}

Result<std::unique_ptr<Printer>> Printer::open(const std::string& uri, const PrinterProfile& profile,
                                               PrinterOptions options) {
    const bool known = uri.rfind("usb:", 0) == 0 || uri.rfind("serial:", 0) == 0 || uri.rfind("tcp://", 0) == 0 ||
                       uri.rfind("dir:", 0) == 0;
    if (!known) return Error{"bad_uri", "打印机地址 " + uri + " 不对，应以 usb:、serial:、tcp:// 或 dir: 开头。"};
    auto font = Font::shared(options.font);
    if (!font) return font.error();
    // The connection opens per job: a printer switched off and on again between jobs just works.
    return std::unique_ptr<Printer>(new Printer(uri, profile, std::move(options)));
}

Result<std::unique_ptr<Printer>> Printer::open(const std::string& uri, const PrinterProfile& profile, Timeouts timeouts) {
    PrinterOptions o;
    o.timeouts = timeouts;
    return open(uri, profile, std::move(o));
}

PrinterStatus Printer::status() {
    auto t = open_transport(uri_, opt_.timeouts, profile_, opt_.font);
    if (!t) return PrinterStatus{};
    return query_status(**t, opt_.timeouts.status_ms);
}

PrintResult Printer::attempt(const Document& doc, PaperWidth paper, Mode mode) {
    PrintResult res;
    auto finish = [&](Outcome o, std::string detail) {
        res.outcome = o;
        res.detail = std::move(detail);
        return res;
    };
    auto font = Font::shared(opt_.font);
    if (!font) return finish(Outcome::bad_document, font.error().message);
    const Timeouts& to = opt_.timeouts;
    auto opened = open_transport(uri_, to, profile_, opt_.font);
    if (!opened) return finish(Outcome::offline, opened.error().message);
    Transport& t = **opened;

    res.preview = t.preview();
    if (profile_.status) {
        const PrinterStatus before = query_status(t, to.status_ms);
        const Outcome o = before.summary();
        if (!is_printed(o)) return finish(o, "状态检查未通过（作业未发送）");
    }
    // The job starts with ESC @ and only then enables automatic status back (encode_job): ESC @ may reset it.
    const Layout layout = layout_document(doc, profile_.dots_for(paper));
    EncodeOptions eo;
    eo.mode = mode;
    eo.on_produced = opt_.on_produced;
    std::string write_error;
    auto sent = encode_job(layout, profile_, **font, eo, [&](std::string_view b) -> Status {
        auto w = t.write(b, to.write_ms);
        if (!w) write_error = w.error().code;
        return w;
    });
    if (!sent) {
        if (write_error == "closed") return finish(Outcome::offline, sent.error().message);
        // Stopped taking data: ask why (a real-time status passes a full buffer).
        if (profile_.status) {
            const PrinterStatus after = query_status(t, to.status_ms);
            if (!after.answered) return finish(Outcome::offline, "写入超时，状态无应答");
            const Outcome o = after.summary();
            return finish(is_printed(o) ? Outcome::timed_out : o, "写入超时");
        }
        return finish(Outcome::timed_out, "写入超时");
    }
    if (!profile_.status) return finish(Outcome::timed_out, "此型号不回报状态，无法确认");

    if (auto w = t.write(escpos::gs_r1(), to.write_ms); !w) return finish(Outcome::offline, w.error().message);
    PrinterStatus asb;
    std::string pending;
    const int ack = read_reply(t, to.ack_ms, is_gs_r_reply, &asb, pending);
    if (ack >= 0) return finish((ack & 0x03) ? Outcome::paper_near_end : Outcome::printed, "GS r 已确认");
    if (asb.answered && (asb.paper_empty || asb.cover_open))
        return finish(asb.cover_open ? Outcome::cover_open : Outcome::paper_empty, "自动状态回报");
    const PrinterStatus after = query_status(t, to.status_ms);
    if (!after.answered) return finish(Outcome::offline, "确认超时，状态无应答");
    const Outcome o = after.summary();
    return finish(is_printed(o) ? Outcome::timed_out : o, "确认超时");
}

PrintResult Printer::run(const JobRecord& job, PrintJournal& journal) {
    PrintResult res;
    auto id = journal.job_queued(job);
    if (id) res.job_id = *id;
    auto doc = document_from_json(job.document);
    if (!doc) {
        res.outcome = Outcome::bad_document;
        res.detail = doc.error().message;
    } else {
        const std::int64_t jid = res.job_id;
        res = attempt(*doc, job.paper, job.mode);
        res.job_id = jid;
    }
    if (!id) res.detail += "（打印记录写入失败：" + id.error().message + "）";
    else (void)journal.job_finished(res.job_id, res.outcome, std::chrono::system_clock::now());
    res.screen_message = screen_message(res.outcome);
    res.staff_message = staff_message(res.outcome);
    return res;
}

PrintResult Printer::print(const PrintRequest& request, PrintJournal& journal) {
    JobRecord job;
    job.template_name = request.template_name;
    job.paper = request.paper.value_or(profile_.paper);
    job.mode = profile_.text_capable() ? request.mode.value_or(profile_.preferred_mode) : Mode::raster;
    job.printer = uri_;
    job.queued_at = std::chrono::system_clock::now();
    auto doc = render_template(opt_.assets_dir, request.template_name, request.data);
    if (!doc) {
        PrintResult res;
        job.document = nlohmann::json::object();
        if (auto id = journal.job_queued(job)) {
            res.job_id = *id;
            (void)journal.job_finished(*id, Outcome::bad_document, std::chrono::system_clock::now());
        }
        res.outcome = Outcome::bad_document;
        res.detail = doc.error().message;
        res.screen_message = screen_message(res.outcome);
        res.staff_message = staff_message(res.outcome);
        return res;
    }
    job.document = to_json(*doc);
    return run(job, journal);
}

PrintResult Printer::reprint(std::int64_t job_id, PrintJournal& journal) {
    auto old = journal.job(job_id);
    if (!old) {
        PrintResult res;
        res.outcome = Outcome::bad_document;
        res.detail = old.error().message;
        res.screen_message = screen_message(res.outcome);
        res.staff_message = "找不到要补打的打印记录，请刷新待补打列表后再试。";
        return res;
    }
    JobRecord job = *old;
    job.id = 0;
    job.reprint_of = old->reprint_of ? old->reprint_of : old->id;
    job.printer = uri_;
    job.queued_at = std::chrono::system_clock::now();
    job.finished_at.reset();
    job.outcome.reset();
    return run(job, journal);
}

}  // namespace yimen::printer
