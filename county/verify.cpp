// verify.cpp — the offline re-check behind `county-server verify`. Nothing here trusts the indexed columns of the
// events table: every hash is recomputed from the stored envelope text, every link is read from the envelopes
// themselves, and a signature counts only against a certificate the county CA issued to that kiosk.
#include "county/verify.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/openssl_ptr.hpp"
#include "policy/records.hpp"
#include "sync/chain_signature.hpp"

namespace yimen::county {
namespace {

namespace rec = yimen::records;
namespace sig = yimen::sync::chain_signature;
using X509Ptr = ossl::Ptr<X509, X509_free>;

X509Ptr parse_certificate(const std::string& pem) {
    ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    return cert;
}

// "" when the certificate is the kiosk's own, issued by the county CA (when one is given); otherwise why not.
// Validity dates are not checked: a signature made while the certificate was valid stays evidence after it expires.
std::string signer_problem(const std::string& cert_pem, const std::string& kiosk_id, X509* ca) {
    X509Ptr cert = parse_certificate(cert_pem);
    if (!cert) return "保存的签名证书无法读取";
    char cn[256] = {0};
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn) < 0 ||
        std::string(cn) != kiosk_id)
        return "签名证书不是发给终端 " + kiosk_id + " 的";
    if (ca) {
        const bool issued = X509_check_issued(ca, cert.get()) == X509_V_OK &&
                            X509_verify(cert.get(), X509_get0_pubkey(ca)) == 1;
        ERR_clear_error();
        if (!issued) return "签名证书不是本县 CA 签发的";
    }
    return "";
}

struct CheckedEvent {
    std::string hash;  // recomputed from the stored bytes
    bool intact = false;
};

}  // namespace

Result<ChainVerifyReport> verify_kiosk_chain(Store& store, const std::string& kiosk_id, const std::string& ca_pem) {
    ChainVerifyReport r;
    r.kiosk_id = kiosk_id;
    X509Ptr ca;
    if (!ca_pem.empty()) {
        ca = parse_certificate(ca_pem);
        if (!ca) return Error{"bad_ca", "县 CA 证书（ca.crt）无法读取。"};
        r.ca_checked = true;
    }
    auto fail = [&](std::int64_t seq, std::string why) {
        if (!r.chain_ok) return;
        r.chain_ok = false;
        r.broken_at = seq;
        r.broken_why = std::move(why);
    };
    std::map<std::int64_t, CheckedEvent> events;
    std::int64_t expect_seq = 1;
    std::string prev_hash = rec::kZeroHash;
    auto walked = store.query(
        "SELECT seq, hash, envelope FROM events WHERE kiosk_id = ?1 ORDER BY seq", {kiosk_id}, [&](const SqlRow& row) {
            const std::int64_t seq = row.integer(0);
            ++r.events_checked;
            r.last_seq = seq;
            if (seq != expect_seq) fail(expect_seq, "缺少序号 " + std::to_string(expect_seq) + " 的记录");
            expect_seq = seq + 1;
            CheckedEvent& checked = events[seq];
            const nlohmann::json j = nlohmann::json::parse(row.text(2), nullptr, false);
            auto env = rec::envelope_from_json(j);
            auto computed = env ? rec::compute_hash(j) : Result<std::string>(env.error());
            if (!env || !computed) {
                fail(seq, "保存的记录不是有效的记录格式");
                prev_hash.clear();
                return;
            }
            checked.hash = *computed;
            if (*computed != env->hash || env->hash != row.text(1))
                fail(seq, "记录内容与其哈希不符（保存后被改动过）");
            else if (env->seq != seq || env->kiosk_id != kiosk_id)
                fail(seq, "记录里的终端编号或序号与保存位置不符");
            else if (env->prev_hash != prev_hash)
                fail(seq, "与前一条记录不衔接（prev_hash 不符）");
            else
                checked.intact = true;
            prev_hash = *computed;
        });
    if (!walked) return walked.error();
    if (r.events_checked == 0 && !store.kiosk(kiosk_id))
        return Error{"unknown_kiosk", "县服务器没有终端 " + kiosk_id + "（未登记，也没有它的记录）。", ErrorCategory::not_found};

    for (const auto& s : store.chain_signatures(kiosk_id)) {
        ++r.signatures_checked;
        std::string why;
        const auto at = events.find(s.seq);
        if (s.alg != sig::kAlgorithm) why = "不支持的签名算法 " + s.alg;
        if (why.empty()) why = signer_problem(s.signer_certificate, kiosk_id, ca.get());
        if (why.empty() &&
            !sig::verify_with_certificate(s.signer_certificate, sig::make_statement(kiosk_id, s.seq, s.hash), s.value))
            why = "签名与所签内容不符（签名或其序号、哈希被改动过）";
        if (why.empty() && (at == events.end() || !at->second.intact || at->second.hash != s.hash))
            why = "签名所指的记录不在，或已被改动";
        if (!why.empty()) r.bad_signatures.push_back({s.seq, why});
        else r.signed_through = std::max(r.signed_through, s.seq);
    }
    if (r.last_seq > r.signed_through) {
        r.unsigned_from = r.signed_through + 1;
        r.unsigned_to = r.last_seq;
    }
    return r;
}

std::string format_verify_report(const ChainVerifyReport& r) {
    std::ostringstream o;
    o << "终端 " << r.kiosk_id << " 的记录链与终端签名核对（离线，只用县服务器保存的内容）\n";
    o << "events checked: " << r.events_checked;
    if (r.events_checked > 0) o << " (seq 1–" << r.last_seq << ")";
    o << "    逐条按保存的内容重算哈希，并核对前后衔接\n";
    if (r.chain_ok) o << "chain: ok    记录链完好\n";
    else o << "chain: broken at seq " << r.broken_at << "    记录链在序号 " << r.broken_at << " 处断开：" << r.broken_why << "\n";
    o << "signatures checked: " << r.signatures_checked << ", bad: " << r.bad_signatures.size() << "    终端签名"
      << (r.ca_checked ? "（签名证书须为本县 CA 签发给该终端的）" : "（未找到 ca.crt，未核对签名证书的签发者）") << "\n";
    for (const auto& b : r.bad_signatures) o << "  bad signature at seq " << b.seq << "：" << b.why << "\n";
    if (r.signed_through > 0)
        o << "signed through seq " << r.signed_through << "    序号 1–" << r.signed_through << " 的记录有终端签名担保\n";
    else o << "signed through seq 0    没有有效的终端签名\n";
    if (r.unsigned_to > 0)
        o << "unsigned: seq " << r.unsigned_from << "–" << r.unsigned_to
          << "    这些记录上传时未带终端签名（旧版终端，或尚未签名），只有记录链本身担保\n";
    else o << "unsigned: none\n";
    o << (r.ok() ? "result: ok    核对通过\n" : "result: FAILED    核对不通过：记录或签名在县服务器上被改动过，请保全数据库并报告\n");
    return o.str();
}

int run_verify(const std::string& dir, const std::string& kiosk_id, std::string& out, std::string& err,
               const std::string& store_url) {
    auto store = store_url.empty() ? open_sqlite_store_read_only(dir + "/county.db") : open_county_store(dir, store_url);
    if (!store) {
        err = store.error().message;
        return 2;
    }
    std::string ca_pem;
    if (std::ifstream in(dir + "/ca.crt", std::ios::binary); in) {
        std::stringstream ss;
        ss << in.rdbuf();
        ca_pem = ss.str();
    }
    auto report = verify_kiosk_chain(**store, kiosk_id, ca_pem);
    if (!report) {
        err = report.error().message;
        return report.error().code == "unknown_kiosk" ? 2 : 1;
    }
    out = format_verify_report(*report);
    return report->ok() ? 0 : 1;
}

}  // namespace yimen::county
