// bench_support.hpp — what every benchmark program shares: stop with a plain message on a setup error, and the
// raw SQLite ceiling (the county's events table, same durability and batch size) that ingest rates are compared to.
#pragma once
#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "base/result.hpp"
#include "base/sqlite.hpp"

namespace yimen::bench {

inline const char* g_name = "bench";

template <class T>
T must(Result<T> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "%s: %s: %s\n", g_name, what, r.error().message.c_str());
        std::exit(1);
    }
    return std::move(r).value();
}

inline void must(const Status& s, const char* what) {
    if (!s) {
        std::fprintf(stderr, "%s: %s: %s\n", g_name, what, s.error().message.c_str());
        std::exit(1);
    }
}

// Rows per second for `rows` events inserted straight into a fresh SQLite file with the county's events schema,
// `per_tx` rows a transaction; envelope(i) gives row i's JSON text.
inline double raw_sqlite_rows_per_second(const std::string& path, std::size_t rows, std::size_t per_tx,
                                         const std::function<std::string(std::size_t)>& envelope) {
    auto raw = must(sqlite::Database::open(path), "raw db");
    must(raw->exec("CREATE TABLE events(kiosk_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, hash TEXT NOT NULL,"
                   " prev_hash TEXT NOT NULL, envelope TEXT NOT NULL, boot_id TEXT NOT NULL, wall_ms INTEGER NOT NULL,"
                   " corrected_ms INTEGER NOT NULL, received_ms INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT,"
                   " PRIMARY KEY(kiosk_id, seq)) WITHOUT ROWID"),
         "raw schema");
    auto ins = raw->prepare("INSERT INTO events VALUES(?1,?2,'quiz.answered',?3,?4,?5,'b',0,0,0,'accepted',NULL)");
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t off = 0; off < rows; off += per_tx) {
        auto tx = must(sqlite::Transaction::begin(*raw), "begin");
        for (std::size_t j = off; j < std::min(rows, off + per_tx); ++j) {
            const auto n = static_cast<std::int64_t>(j);
            must(ins.bind(1, "k" + std::to_string(j / 1000)).bind(2, n).bind(3, std::to_string(j)).bind(4, std::to_string(j))
                     .bind(5, envelope(j))
                     .run(),
                 "raw insert");
        }
        must(tx->commit(), "raw commit");
    }
    return static_cast<double>(rows) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A kiosk's libcurl handle: mutual TLS with the files `pki issue-kiosk` wrote to cert_dir, answers appended to
// sink, and the push headers (gzip body, no Expect) in `headers` for the caller to set and free.
inline CURL* kiosk_push_handle(const std::string& cert_dir, std::string& sink, curl_slist*& headers) {
    CURL* h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_CAINFO, (cert_dir + "/ca.crt").c_str());
    curl_easy_setopt(h, CURLOPT_SSLCERT, (cert_dir + "/client.crt").c_str());
    curl_easy_setopt(h, CURLOPT_SSLKEY, (cert_dir + "/client.key").c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, +[](char* p, std::size_t s, std::size_t n, void* u) {
        static_cast<std::string*>(u)->append(p, s * n);
        return s * n;
    });
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    headers = curl_slist_append(nullptr, "Content-Type: application/gzip");
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    return h;
}

}  // namespace yimen::bench
