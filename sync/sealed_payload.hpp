// sealed_payload.hpp — schema 2 of the event payloads (issue 11, sync/PROTOCOL.md §4.13): the personal members of a
// payload travel as one sealed string, so the kiosk that wrote them can no longer read them. Both ends share this:
// the kiosk's journal seals at the moment of writing, the county opens at ingest.
//
//   schema 1:  {"receipt_number": …, "applicant": {…}, "income": {…}, …}
//   schema 2:  {"receipt_number": …, …the clear members…, "sealed": "<base64 envelope, base/seal.hpp>"}
//              the envelope's plaintext is the canonical JSON object of the personal members taken out.
//
// The hash chain covers the schema-2 payload as sent (the sealed string included), so tamper evidence is what it was.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "base/seal.hpp"

namespace yimen::sync {

inline constexpr int kSchemaClear = 1;   // personal members in clear (kiosks before issue 11)
inline constexpr int kSchemaSealed = 2;  // personal members sealed to the county
inline constexpr const char* kSealedMember = "sealed";

// The top-level payload members of `type` that are personal and sealed in schema 2 (empty: nothing to seal).
// application.submitted: applicant, members, income, assets, hardship_statement, close_relative_relation,
// estimate_fen, applicant_key; referral.issued: need, applicant_key; complaint.filed: text, contact;
// rating.given: callback_phone.
const std::vector<std::string>& sealed_members(const std::string& type);

// Takes the personal members out of a schema-1 payload and seals them to `to`: the schema-2 payload. A type with no
// personal members comes back unchanged. Codes: "crypto_error", "not_canonical".
Result<nlohmann::json> seal_payload(const std::string& type, nlohmann::json payload, const seal::SealingPublicKey& to);

// The schema-1 form of a schema-2 payload: the sealed members opened and put back. Codes: "bad_payload" (a personal
// member in clear, `sealed` missing or not a string, or a plaintext that is not an object of this type's personal
// members), "unknown_sealing_key" (no private key for the envelope's key id), "seal_broken" (the envelope does not
// open: changed or forged).
Result<nlohmann::json> open_payload(const std::string& type, nlohmann::json payload, const seal::KeyRing& keys);

// The payload with its personal members removed (schema 1) or its sealed string removed (schema 2): what a kiosk may
// keep once the county holds the event (retention) — no personal value, clear or sealed, remains.
nlohmann::json drop_personal(const std::string& type, nlohmann::json payload);

}  // namespace yimen::sync
