// bench_kiosks.hpp — kiosks with queued journals for the ingest benchmarks (sync_bench, store_scale_bench): each is
// registered with a county server, gets its certificate, and has `events` quiz answers and ratings (every other one
// with a call-back phone, sealed when a key is given) queued as a kiosk that was offline for long would.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/seal.hpp"
#include "bench_support.hpp"
#include "county/pki.hpp"
#include "county/server.hpp"
#include "policy/records.hpp"
#include "sync/journal.hpp"

namespace yimen::bench {

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct KioskDb {
    std::string id, path, cert_dir;
    std::unique_ptr<sqlite::Database> db;
    std::unique_ptr<sync::Journal> journal;
};

// Time spent in Journal::append across every make_kiosk call (sealing included when the journal has a key).
struct AppendTime {
    double seconds = 0;
    long events = 0;
};

// A kiosk with `events` queued: quiz answers, and every other event a rating with a call-back phone (a personal
// member, sealed when `sealing_key` is given — schema 2 — and in clear otherwise).
inline KioskDb make_kiosk(county::CountyServer& server, const std::string& county_dir, const std::string& tmp,
                   const std::string& id, int events, const Clock& clock, const sync::BootClock& boot,
                   const std::optional<seal::SealingPublicKey>& sealing_key = std::nullopt, AppendTime* timing = nullptr) {
    auto issued = must(county::pki::issue_kiosk(county_dir, id, "230523104"), "issue kiosk");
    must(server.store().put_kiosk({id, "230523104", issued.fingerprint, issued.serial_hex, false, false}), "register");
    KioskDb k{id, tmp + "/" + id + ".db", issued.dir, must(sqlite::Database::open(tmp + "/" + id + ".db"), "kiosk db"), nullptr};
    k.journal = must(sync::Journal::open(*k.db, id, clock, boot), "journal");
    k.journal->set_sealing_key(sealing_key);
    // Queue the events in one transaction per 500, as a kiosk that was offline for a long time would have them.
    for (int done = 0; done < events;) {
        auto tx = must(sqlite::Transaction::begin(*k.db), "begin");
        const auto t0 = std::chrono::steady_clock::now();
        const int before = done;
        for (int i = 0; i < 500 && done < events; ++i, ++done) {
            if (done % 2 == 1)
                must(k.journal->append(*tx, records::type::rating_given, {"resident", ""},
                                       records::RatingGiven{"", 4, {}, {}, "1390000" + std::to_string(1000 + done % 9000), "kiosk", ""}),
                     "append");
            else
                must(k.journal->append(*tx, records::type::quiz_answered, {"resident", ""},
                                       records::QuizAnswered{"2026.1", {{"q-publicity", done % 3, done % 3 == 1}}}),
                     "append");
        }
        if (timing) {
            timing->seconds += seconds_since(t0);
            timing->events += done - before;
        }
        must(tx->commit(), "commit");
    }
    return k;
}

// Sends a kiosk's pre-built push bodies to `url` over its own mutual-TLS connection, one after another; answers how
// many failed (no answer, or not 200).
inline int push_bodies(const std::string& url, const std::string& cert_dir, const std::vector<std::string>& bodies) {
    int failures = 0;
    std::string sink;
    curl_slist* hs = nullptr;
    CURL* h = kiosk_push_handle(cert_dir, sink, hs);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    for (auto& body : bodies) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        long status = 0;
        if (curl_easy_perform(h) != CURLE_OK) ++failures;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) ++failures;
    }
    curl_slist_free_all(hs);
    curl_easy_cleanup(h);
    return failures;
}

}  // namespace yimen::bench
