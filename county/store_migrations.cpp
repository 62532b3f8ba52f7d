// store_migrations.cpp — the SQLite store's schema, one entry per version (PRAGMA user_version); store.cpp applies
// the ones a database has not seen yet. Never edit a shipped entry: append a new one.
#include "county/store_migrations.hpp"

namespace yimen::county {

// The county's civil day number (county_day_of in figure_tables.hpp: UTC+8, kCountyUtcOffsetSeconds) of a UTC
// millisecond column, in SQL. The figure-table triggers and their back-fill are built from it with string-literal
// concatenation, so the text a migration executes (and SQLite keeps in sqlite_master) is fixed at compile time.
#define YIMEN_COUNTY_DAY(ms_column) "(" ms_column " + 28800000) / 86400000"
// A trigger's statement marking the civil day of `row` (NEW or OLD) of a ratings or quiz_answers row dirty.
#define YIMEN_MARK_DAY(kind, row)                                                       \
    "  INSERT INTO dirty_days(kind, township, day) VALUES('" kind "', " row ".township, " \
    YIMEN_COUNTY_DAY(row ".corrected_ms") ")\n    ON CONFLICT DO NOTHING;\n"

// Each entry upgrades the schema by one version; never edit a shipped entry, append a new one. (Entry 6 is written
// with the macros above: the bytes it compiles to are the shipped ones.)
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE kiosks(kiosk_id TEXT PRIMARY KEY, township TEXT NOT NULL, fingerprint TEXT NOT NULL UNIQUE, serial TEXT,
  revoked INTEGER NOT NULL DEFAULT 0, clock_flagged INTEGER NOT NULL DEFAULT 0);
CREATE TABLE users(user_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, township TEXT,
  token_sha256 TEXT UNIQUE, pin_hash TEXT);
CREATE TABLE events(kiosk_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL, envelope TEXT NOT NULL, boot_id TEXT NOT NULL, wall_ms INTEGER NOT NULL,
  corrected_ms INTEGER NOT NULL, received_ms INTEGER NOT NULL, status TEXT NOT NULL, reason TEXT,
  PRIMARY KEY(kiosk_id, seq)) WITHOUT ROWID;
CREATE TABLE checkpoints(kiosk_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE boots(kiosk_id TEXT NOT NULL, boot_id TEXT NOT NULL, offset_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
  PRIMARY KEY(kiosk_id, boot_id));
CREATE TABLE applications(receipt_number TEXT PRIMARY KEY, programme TEXT NOT NULL, township TEXT NOT NULL,
  kiosk_id TEXT NOT NULL, channel TEXT NOT NULL, operator_id TEXT, applicant_key TEXT, close_relative INTEGER NOT NULL,
  id_last4_tag TEXT, submitted_ms INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE TABLE stage_events(id INTEGER PRIMARY KEY, receipt_number TEXT NOT NULL, programme TEXT NOT NULL,
  stage TEXT NOT NULL, date TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT, fields TEXT NOT NULL,
  documents TEXT NOT NULL, recorded_ms INTEGER NOT NULL, source TEXT NOT NULL);
CREATE INDEX stage_events_case ON stage_events(receipt_number, id);
CREATE TABLE referrals(receipt_number TEXT PRIMARY KEY, programme TEXT NOT NULL, township TEXT NOT NULL,
  kiosk_id TEXT NOT NULL, issued_ms INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE TABLE ratings(id INTEGER PRIMARY KEY, kiosk_id TEXT NOT NULL, seq INTEGER NOT NULL, receipt_number TEXT,
  level INTEGER NOT NULL, corrected_ms INTEGER NOT NULL, status TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX ratings_case ON ratings(receipt_number, status);
CREATE TABLE records(id INTEGER PRIMARY KEY, type TEXT NOT NULL, kiosk_id TEXT NOT NULL, seq INTEGER NOT NULL,
  township TEXT NOT NULL, corrected_ms INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE TABLE changes(id INTEGER PRIMARY KEY AUTOINCREMENT, township TEXT NOT NULL, kind TEXT NOT NULL,
  key TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX changes_township ON changes(township, id);
CREATE TABLE alerts(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, kiosk_id TEXT, township TEXT, detail TEXT NOT NULL,
  created_ms INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'raised');
CREATE TABLE rate_failures(key TEXT NOT NULL, at_ms INTEGER NOT NULL);
CREATE INDEX rate_failures_key ON rate_failures(key, at_ms);
)sql",
    // 2: staff lifecycle, alert de-duplication, the audit trail, failure pruning.
    R"sql(
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN token_expires_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN repeats INTEGER NOT NULL DEFAULT 1;
ALTER TABLE alerts ADD COLUMN updated_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX alerts_open ON alerts(kind, kiosk_id, township, state);
CREATE TABLE audit_log(id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, user_id TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE INDEX rate_failures_at ON rate_failures(at_ms);
)sql",
    // 3: complaints linked to the cases they name.
    R"sql(
CREATE TABLE complaint_links(complaint_receipt TEXT NOT NULL, case_receipt TEXT NOT NULL,
  PRIMARY KEY(complaint_receipt, case_receipt));
CREATE INDEX complaint_links_case ON complaint_links(case_receipt);
)sql",
    // 4: supervision (issue 9): rating channel and sub-indicator scores, quiz answers per question, the complaint,
    // follow-up, alert and spot-check lifecycles with their step history, the kiosk fleet, indexes for the figures.
    R"sql(
ALTER TABLE ratings ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE ratings ADD COLUMN township TEXT NOT NULL DEFAULT '';
ALTER TABLE ratings ADD COLUMN programme TEXT;
UPDATE ratings SET channel = coalesce(json_extract(payload, '$.channel'), ''),
  township = coalesce((SELECT k.township FROM kiosks k WHERE k.kiosk_id = ratings.kiosk_id), ''),
  programme = (SELECT a.programme FROM applications a WHERE a.receipt_number = ratings.receipt_number);
CREATE INDEX ratings_time ON ratings(corrected_ms, status, township, level, channel, programme);
CREATE INDEX ratings_event ON ratings(kiosk_id, seq);
CREATE TABLE rating_scores(kiosk_id TEXT NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL, score INTEGER NOT NULL,
  PRIMARY KEY(kiosk_id, seq, code));
INSERT INTO rating_scores(kiosk_id, seq, code, score)
  SELECT r.kiosk_id, r.seq, s.key, s.value FROM ratings r, json_each(r.payload, '$.sub_indicators') s
  WHERE json_type(r.payload, '$.sub_indicators') = 'object';
CREATE TABLE quiz_answers(kiosk_id TEXT NOT NULL, seq INTEGER NOT NULL, township TEXT NOT NULL,
  corrected_ms INTEGER NOT NULL, question_id TEXT NOT NULL, correct INTEGER NOT NULL,
  PRIMARY KEY(kiosk_id, seq, question_id));
CREATE INDEX quiz_answers_time ON quiz_answers(corrected_ms);
INSERT OR IGNORE INTO quiz_answers(kiosk_id, seq, township, corrected_ms, question_id, correct)
  SELECT r.kiosk_id, r.seq, r.township, r.corrected_ms, json_extract(a.value, '$.question_id'),
    CASE WHEN json_extract(a.value, '$.correct') THEN 1 ELSE 0 END
  FROM records r, json_each(r.payload, '$.answers') a WHERE r.type = 'quiz.answered';
CREATE INDEX records_type_time ON records(type, corrected_ms);
CREATE TABLE complaints(receipt_number TEXT PRIMARY KEY, township TEXT NOT NULL, kiosk_id TEXT NOT NULL,
  category TEXT NOT NULL, filed_ms INTEGER NOT NULL, query_code_hash TEXT NOT NULL, state TEXT NOT NULL,
  assignee TEXT NOT NULL DEFAULT '', updated_ms INTEGER NOT NULL, replied_date TEXT, closed_date TEXT);
INSERT OR IGNORE INTO complaints(receipt_number, township, kiosk_id, category, filed_ms, query_code_hash, state, updated_ms)
  SELECT json_extract(payload, '$.receipt_number'), township, kiosk_id, coalesce(json_extract(payload, '$.category'), ''),
    corrected_ms, coalesce(json_extract(payload, '$.query_code_hash'), ''), 'received', corrected_ms
  FROM records WHERE type = 'complaint.filed';
CREATE INDEX complaints_time ON complaints(filed_ms);
CREATE TABLE follow_ups(id INTEGER PRIMARY KEY, kiosk_id TEXT NOT NULL, seq INTEGER NOT NULL, receipt_number TEXT,
  township TEXT NOT NULL, level INTEGER NOT NULL, opened_date TEXT NOT NULL, opened_ms INTEGER NOT NULL,
  state TEXT NOT NULL, updated_ms INTEGER NOT NULL, closed_date TEXT, UNIQUE(kiosk_id, seq));
CREATE INDEX follow_ups_time ON follow_ups(opened_ms);
CREATE TABLE supervision_steps(id INTEGER PRIMARY KEY, subject TEXT NOT NULL, subject_id TEXT NOT NULL,
  state TEXT NOT NULL, actor TEXT NOT NULL, date TEXT NOT NULL, note TEXT NOT NULL, at_ms INTEGER NOT NULL);
CREATE INDEX supervision_steps_subject ON supervision_steps(subject, subject_id, id);
ALTER TABLE alerts ADD COLUMN due_date TEXT;
CREATE TABLE spot_draws(id INTEGER PRIMARY KEY, month TEXT NOT NULL UNIQUE, seed TEXT NOT NULL, ratio_pct INTEGER NOT NULL,
  tekun_ratio_pct INTEGER NOT NULL, candidates INTEGER NOT NULL, drawn_ms INTEGER NOT NULL, actor TEXT NOT NULL);
CREATE TABLE spot_samples(draw_id INTEGER NOT NULL, receipt_number TEXT NOT NULL, programme TEXT NOT NULL,
  township TEXT NOT NULL, position INTEGER NOT NULL, finding TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
  checker TEXT NOT NULL DEFAULT '', checked_ms INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(draw_id, receipt_number));
CREATE TABLE visit_draws(id INTEGER PRIMARY KEY, year TEXT NOT NULL UNIQUE, seed TEXT NOT NULL, ratio_pct INTEGER NOT NULL,
  candidates INTEGER NOT NULL, drawn_ms INTEGER NOT NULL, actor TEXT NOT NULL);
CREATE TABLE visit_samples(draw_id INTEGER NOT NULL, receipt_number TEXT NOT NULL, programme TEXT NOT NULL,
  township TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY(draw_id, receipt_number));
CREATE TABLE kiosk_fleet(kiosk_id TEXT PRIMARY KEY, last_push_ms INTEGER NOT NULL, clock_offset_ms INTEGER NOT NULL,
  boot_id TEXT NOT NULL, queue_depth INTEGER, printer TEXT, software_version TEXT);
CREATE INDEX stage_events_stage ON stage_events(stage, date);
CREATE INDEX applications_township ON applications(township);
)sql",
    // 5: the back office (issue 12): passwords, sign-in failures and lock-outs (by the login as typed, so an unknown
    // login behaves like a known one), and browser sessions (pre-login ones have no user). Used through
    // Store::query/execute by users.cpp and web_auth.cpp.
    R"sql(
CREATE TABLE user_passwords(user_id TEXT PRIMARY KEY, hash TEXT NOT NULL, set_ms INTEGER NOT NULL);
CREATE TABLE sign_in_failures(login TEXT NOT NULL, at_ms INTEGER NOT NULL);
CREATE INDEX sign_in_failures_login ON sign_in_failures(login, at_ms);
CREATE TABLE sign_in_locks(login TEXT PRIMARY KEY, until_ms INTEGER NOT NULL);
CREATE TABLE web_sessions(id_sha256 TEXT PRIMARY KEY, user_id TEXT, csrf TEXT NOT NULL, created_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL);
CREATE INDEX web_sessions_seen ON web_sessions(last_seen_ms);
CREATE INDEX audit_log_target ON audit_log(target, id);
)sql",
    // 6: the figure tables (county/figure_tables.hpp): per-case facts and open spans (and their groups), per-day and
    // per-month aggregates, and the triggers that mark what a write changed. Existing rows are all marked, so the first refresh builds them.
    R"sql(
CREATE INDEX applications_key ON applications(applicant_key);
CREATE TABLE figure_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE dirty_cases(receipt_number TEXT PRIMARY KEY);
CREATE TABLE dirty_days(kind TEXT NOT NULL, township TEXT NOT NULL, day INTEGER NOT NULL,
  PRIMARY KEY(kind, township, day)) WITHOUT ROWID;
CREATE TABLE case_facts(receipt_number TEXT PRIMARY KEY, township TEXT NOT NULL, programme TEXT NOT NULL,
  channel TEXT NOT NULL, applicant_key TEXT NOT NULL, submitted_day INTEGER NOT NULL, acceptance_day INTEGER,
  acceptance_wd INTEGER, decided_day INTEGER, within INTEGER NOT NULL, extended INTEGER NOT NULL,
  wd_used INTEGER NOT NULL, notice INTEGER NOT NULL, repeated_materials INTEGER NOT NULL, visits INTEGER NOT NULL,
  awaiting_visit INTEGER NOT NULL);
CREATE INDEX case_facts_decided ON case_facts(township, decided_day);
CREATE INDEX case_facts_acceptance ON case_facts(township, acceptance_day);
CREATE INDEX case_facts_submitted ON case_facts(township, submitted_day);
CREATE INDEX case_facts_key ON case_facts(applicant_key, submitted_day);
CREATE INDEX case_facts_awaiting ON case_facts(awaiting_visit, township);
CREATE INDEX case_facts_day ON case_facts(submitted_day);
CREATE TABLE case_spans(receipt_number TEXT NOT NULL, start_day INTEGER NOT NULL, end_day INTEGER NOT NULL,
  township TEXT NOT NULL, programme TEXT NOT NULL, current_stage TEXT NOT NULL, overdue_day INTEGER NOT NULL,
  nearest_due INTEGER, overall_due INTEGER, PRIMARY KEY(receipt_number, start_day));
CREATE INDEX case_spans_open ON case_spans(end_day, start_day, township, overdue_day, nearest_due);
CREATE INDEX case_spans_township ON case_spans(township, end_day, start_day, overdue_day, nearest_due, overall_due,
  receipt_number);
CREATE INDEX case_spans_start ON case_spans(township, start_day);
CREATE TABLE span_groups(township TEXT NOT NULL, start_day INTEGER NOT NULL, end_day INTEGER NOT NULL,
  overdue_day INTEGER NOT NULL, nearest_due INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY(township, start_day, end_day, overdue_day, nearest_due)) WITHOUT ROWID;
CREATE INDEX span_groups_open ON span_groups(end_day, start_day);
CREATE TABLE monthly_decided(township TEXT NOT NULL, month INTEGER NOT NULL, programme TEXT NOT NULL,
  channel TEXT NOT NULL, within INTEGER NOT NULL, extended INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY(township, month, programme, channel, within, extended)) WITHOUT ROWID;
CREATE TABLE monthly_decided_wd(township TEXT NOT NULL, month INTEGER NOT NULL, wd INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY(township, month, wd)) WITHOUT ROWID;
CREATE TABLE monthly_ratings(township TEXT NOT NULL, month INTEGER NOT NULL, channel TEXT NOT NULL, level INTEGER NOT NULL,
  programme TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY(township, month, channel, level, programme)) WITHOUT ROWID;
-- Small per-day tables are read whole, in key order; the large ones have a day index for the days of a period
-- outside its whole months (those come from the monthly tables), covering with the key it carries and n.
CREATE TABLE daily_decided(township TEXT NOT NULL, month INTEGER NOT NULL, programme TEXT NOT NULL, channel TEXT NOT NULL,
  within INTEGER NOT NULL, extended INTEGER NOT NULL, day INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY(township, month, programme, channel, within, extended, day)) WITHOUT ROWID;
CREATE INDEX daily_decided_day ON daily_decided(day, township, n);
CREATE TABLE daily_decided_wd(township TEXT NOT NULL, month INTEGER NOT NULL, wd INTEGER NOT NULL, day INTEGER NOT NULL,
  n INTEGER NOT NULL, PRIMARY KEY(township, month, wd, day)) WITHOUT ROWID;
CREATE INDEX daily_decided_wd_day ON daily_decided_wd(day, township, n);
CREATE TABLE daily_acceptance(township TEXT NOT NULL, wd INTEGER NOT NULL, day INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY(township, wd, day)) WITHOUT ROWID;
CREATE TABLE daily_submitted(township TEXT NOT NULL, day INTEGER NOT NULL, cases INTEGER NOT NULL, visits INTEGER NOT NULL,
  repeat_visit_cases INTEGER NOT NULL, notices INTEGER NOT NULL, repeated_materials INTEGER NOT NULL,
  repeated_material_cases INTEGER NOT NULL, PRIMARY KEY(township, day)) WITHOUT ROWID;
CREATE TABLE daily_ratings(township TEXT NOT NULL, month INTEGER NOT NULL, channel TEXT NOT NULL, level INTEGER NOT NULL,
  programme TEXT NOT NULL, day INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY(township, month, channel, level, programme, day)) WITHOUT ROWID;
CREATE INDEX daily_ratings_day ON daily_ratings(day, township, n);
CREATE TABLE daily_rating_scores(township TEXT NOT NULL, code TEXT NOT NULL, day INTEGER NOT NULL, n INTEGER NOT NULL,
  total INTEGER NOT NULL, PRIMARY KEY(township, code, day)) WITHOUT ROWID;
CREATE TABLE daily_quiz(township TEXT NOT NULL, question_id TEXT NOT NULL, day INTEGER NOT NULL, n INTEGER NOT NULL,
  correct INTEGER NOT NULL, PRIMARY KEY(township, question_id, day)) WITHOUT ROWID;
CREATE TABLE daily_quiz_respondents(township TEXT NOT NULL, day INTEGER NOT NULL, respondents INTEGER NOT NULL,
  all_core_correct INTEGER NOT NULL, PRIMARY KEY(township, day)) WITHOUT ROWID;
CREATE TRIGGER figures_application AFTER INSERT ON applications BEGIN
  INSERT INTO dirty_cases(receipt_number) VALUES(NEW.receipt_number) ON CONFLICT DO NOTHING;
  INSERT INTO dirty_cases(receipt_number) SELECT receipt_number FROM applications
    WHERE applicant_key = NEW.applicant_key AND NEW.applicant_key <> '' ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER figures_stage AFTER INSERT ON stage_events BEGIN
  INSERT INTO dirty_cases(receipt_number) VALUES(NEW.receipt_number) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER figures_complaint_link AFTER INSERT ON complaint_links BEGIN
  INSERT INTO dirty_cases(receipt_number) VALUES(NEW.case_receipt) ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER figures_rating_insert AFTER INSERT ON ratings BEGIN
)sql" YIMEN_MARK_DAY("rating", "NEW") R"sql(END;
CREATE TRIGGER figures_rating_update AFTER UPDATE ON ratings BEGIN
)sql" YIMEN_MARK_DAY("rating", "OLD") YIMEN_MARK_DAY("rating", "NEW") R"sql(END;
CREATE TRIGGER figures_rating_delete AFTER DELETE ON ratings BEGIN
)sql" YIMEN_MARK_DAY("rating", "OLD") R"sql(END;
CREATE TRIGGER figures_quiz AFTER INSERT ON quiz_answers BEGIN
)sql" YIMEN_MARK_DAY("quiz", "NEW") R"sql(END;
INSERT INTO dirty_cases(receipt_number) SELECT receipt_number FROM applications WHERE 1 = 1 ON CONFLICT DO NOTHING;
INSERT INTO dirty_days(kind, township, day) SELECT DISTINCT 'rating', township, )sql" YIMEN_COUNTY_DAY("corrected_ms") R"sql(
  FROM ratings WHERE 1 = 1 ON CONFLICT DO NOTHING;
INSERT INTO dirty_days(kind, township, day) SELECT DISTINCT 'quiz', township, )sql" YIMEN_COUNTY_DAY("corrected_ms") R"sql(
  FROM quiz_answers WHERE 1 = 1 ON CONFLICT DO NOTHING;
)sql",
    // 7 (issue 11): the county's own secrets — applicant_key = HMAC(this secret, ID number) is computed here, after
    // the seal is opened, so kiosks no longer hold a key that maps a value back to an ID (SQLite's randomblob draws
    // on the OS generator: ChaCha20 since 3.40, seeded from /dev/urandom); and kiosks' signatures over their chain
    // heads (sync/PROTOCOL.md "Chain-head signature"), with the certificate that checked them, so `county-server
    // verify` can re-check them offline. One per (kiosk, seq): a re-sent push signs the same head again and the
    // first signature is kept.
    R"sql(
CREATE TABLE county_secrets(name TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO county_secrets(name, value) VALUES('applicant_key', lower(hex(randomblob(32))));
CREATE TABLE chain_signatures(kiosk_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, alg TEXT NOT NULL,
  value TEXT NOT NULL, signer_certificate TEXT NOT NULL, received_ms INTEGER NOT NULL,
  PRIMARY KEY(kiosk_id, seq)) WITHOUT ROWID;
)sql",
};

const std::size_t kMigrationCount = sizeof kMigrations / sizeof kMigrations[0];

#undef YIMEN_MARK_DAY
#undef YIMEN_COUNTY_DAY

}  // namespace yimen::county
