// http_core.cpp — Boost.Asio/Beast over OpenSSL. Each connection lives on its own strand of the I/O threads and
// moves through: handshake → read headers → (early refusal | read body) → answer on a worker → write → next request.
// Every phase has an absolute deadline set once (Beast's tcp_stream timer is not extended by arriving bytes), so a
// client that sends a byte a second is cut off like one that sends nothing. A connection registry enforces the total
// and per-address caps by closing the oldest connection that is not being answered, never by refusing a new one.
#include "county/http_core.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace yimen::county::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string fingerprint_of(SSL* ssl) {
    if (!ssl || SSL_get_verify_result(ssl) != X509_V_OK) return {};
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert) return {};
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    std::string out;
    if (X509_digest(cert, EVP_sha256(), md, &len) == 1) {
        static const char* hex = "0123456789abcdef";
        for (unsigned i = 0; i < len; ++i) {
            out.push_back(hex[md[i] >> 4]);
            out.push_back(hex[md[i] & 15]);
        }
    }
    X509_free(cert);
    return out;
}

// The verified client certificate as PEM (what a kiosk's chain-head signature is checked against); "" otherwise.
std::string certificate_pem_of(SSL* ssl) {
    if (!ssl || SSL_get_verify_result(ssl) != X509_V_OK) return {};
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert) return {};
    std::string out;
    if (BIO* bio = BIO_new(BIO_s_mem())) {
        if (PEM_write_bio_X509(bio, cert) == 1) {
            char* data = nullptr;
            const long len = BIO_get_mem_data(bio, &data);
            if (len > 0) out.assign(data, static_cast<std::size_t>(len));
        }
        BIO_free(bio);
    }
    X509_free(cert);
    return out;
}

Response plain_error(int status, const char* code, const char* message) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", "application/json; charset=utf-8");
    r.body = std::string("{\"error\":\"") + code + "\",\"message\":\"" + message + "\"}";
    r.route = "(core)";
    return r;
}

enum class Phase { handshake, waiting, reading_body, answering, closed };

}  // namespace

const std::string* Headers::find(std::string_view name) const {
    for (auto& [k, v] : items)
        if (iequals(k, name)) return &v;
    return nullptr;
}

std::string Headers::get(std::string_view name) const {
    const std::string* v = find(name);
    return v ? *v : std::string();
}

void Headers::set(std::string name, std::string value) {
    for (auto& [k, v] : items)
        if (iequals(k, name)) {
            v = std::move(value);
            return;
        }
    items.emplace_back(std::move(name), std::move(value));
}

std::string Request::param(std::string_view name) const {
    for (auto& [k, v] : query)
        if (k == name) return v;
    return {};
}

bool Request::has_param(std::string_view name) const {
    for (auto& [k, v] : query)
        if (k == name) return true;
    return false;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%') {
            if (i + 2 >= in.size()) return false;
            const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (plus_is_space && in[i] == '+') {
            out.push_back(' ');
        } else {
            out.push_back(in[i]);
        }
    }
    return true;
}

struct Conn;

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
    Limits limits;
    Hooks hooks;

    // The registry (declared before the io_context so that connections destroyed with it can still unregister).
    std::mutex reg_mu;
    std::list<std::weak_ptr<Conn>> all;                       // in accept order
    std::map<std::string, int> per_peer;
    std::atomic<std::int64_t> next_id{1};

    std::atomic<bool> stopping{false};
    std::mutex state_mu;
    std::condition_variable state_cv;
    bool stopped = false;
    bool started = false;

    std::atomic<std::int64_t> c_accepted{0}, c_open{0}, c_deadline{0}, c_peer_cap{0}, c_total_cap{0}, c_requests{0},
        c_busy{0};
    std::atomic<int> queued{0};
    std::atomic<bool> workers_joined{false};

    net::io_context ioc;
    net::ssl::context ssl;
    tcp::acceptor acceptor;
    std::unique_ptr<net::thread_pool> workers;
    std::vector<std::thread> io_threads;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;

    Impl(SSL_CTX* ctx, Limits l, Hooks h)
        : limits(l), hooks(std::move(h)), ioc(l.io_threads), ssl(ctx), acceptor(net::make_strand(ioc)) {}

    void do_accept();
    void admit(const std::shared_ptr<Conn>& c);
    void shed_one();
    void forget(std::list<std::weak_ptr<Conn>>::iterator it, const std::string& peer);
    void note_closed() {
        if (--c_open == 0 && stopping) {
            { std::lock_guard lock(state_mu); }  // a waiter between its check and its sleep must not miss this
            state_cv.notify_all();
        }
    }
};

struct Conn : std::enable_shared_from_this<Conn> {
    Server::Impl& srv;
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser;
    std::shared_ptr<bhttp::response<bhttp::string_body>> out;
    std::string peer;
    std::string fingerprint;
    std::string certificate_pem;
    std::atomic<Phase> phase{Phase::handshake};
    bool doomed = false;   // chosen for closing by a cap (guarded by the registry's lock)
    std::list<std::weak_ptr<Conn>>::iterator reg_it;
    bool registered = false;
    Request req;
    Clock::time_point request_started;
    Clock::time_point handshake_deadline;
    bool drain_after_answer = false;
    std::vector<char> scratch;
    std::size_t drained = 0;
    std::size_t body_limit = 0;
    bool keep_alive = false;
    std::string method_for_log;

    Conn(Server::Impl& s, tcp::socket&& sock) : srv(s), stream(std::move(sock), s.ssl) {}

    ~Conn() {
        if (registered) srv.forget(reg_it, peer);
        srv.note_closed();
    }

    void start() {
        handshake_deadline = Clock::now() + srv.limits.handshake;
        beast::get_lowest_layer(stream).expires_after(srv.limits.handshake);
        stream.async_handshake(net::ssl::stream_base::server,
                               [self = shared_from_this()](beast::error_code ec) { self->on_handshake(ec); });
    }

    // From the registry (another strand): close if this connection is not being answered.
    void abort_if_idle(std::atomic<std::int64_t>& counter) {
        net::post(stream.get_executor(), [self = shared_from_this(), &counter] {
            const Phase p = self->phase.load();
            if (p == Phase::answering || p == Phase::closed) return;
            ++counter;
            self->close_now();
        });
    }

    void close_now() {
        phase = Phase::closed;
        beast::error_code ec;
        beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ec);
        beast::get_lowest_layer(stream).close();
    }

    void fail(beast::error_code ec) {
        if (ec == beast::error::timeout) ++srv.c_deadline;
        close_now();
    }

    void on_handshake(beast::error_code ec) {
        // The TLS layer may report the timer's cut as a stream error; the clock says which it was.
        if (ec && Clock::now() >= handshake_deadline) ec = beast::error::timeout;
        if (ec) return fail(ec);
        fingerprint = fingerprint_of(stream.native_handle());
        if (!fingerprint.empty()) certificate_pem = certificate_pem_of(stream.native_handle());
        read_request();
    }

    void read_request() {
        if (srv.stopping) return shutdown();
        phase = Phase::waiting;
        method_for_log.clear();
        parser.emplace();
        parser->header_limit(static_cast<std::uint32_t>(srv.limits.max_header_bytes));
        parser->body_limit(srv.limits.max_body_bytes);
        beast::get_lowest_layer(stream).expires_after(srv.limits.header);
        bhttp::async_read_header(stream, buffer, *parser,
                                 [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(beast::error_code ec) {
        request_started = Clock::now();
        if (ec == bhttp::error::header_limit)
            return answer_and_close(plain_error(431, "header_too_large", "请求头过大。"));
        if (ec == bhttp::error::body_limit)
            return answer_and_close(plain_error(413, "too_large", "请求内容超过上限。"));
        // Only a message the parser refused gets an answer; a dead, reset or timed-out stream is just closed.
        if (ec && ec.category() != beast::error_code(bhttp::error::end_of_stream).category()) return fail(ec);
        if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return fail(ec);
        if (ec) return answer_and_close(plain_error(400, "bad_request", "请求格式不正确。"));
        phase = Phase::reading_body;
        auto& m = parser->get();
        req = Request{};
        req.method = std::string(m.method_string());
        method_for_log = req.method;
        req.target = std::string(m.target());
        req.peer_address = peer;
        req.client_fingerprint = fingerprint;
        req.client_certificate_pem = certificate_pem;
        for (auto& f : m) req.headers.items.emplace_back(std::string(f.name_string()), std::string(f.value()));
        const auto q = req.target.find('?');
        // An encoded '/' or NUL would route differently from what the path appears to name.
        for (const char* bad : {"%2F", "%2f", "%00"})
            if (std::string_view(req.target).substr(0, q).find(bad) != std::string_view::npos)
                return answer_and_close(plain_error(400, "bad_request", "请求路径不正确。"));
        if (!percent_decode(std::string_view(req.target).substr(0, q), req.path, false) || req.path.empty() ||
            req.path.front() != '/')
            return answer_and_close(plain_error(400, "bad_request", "请求路径不正确。"));
        if (q != std::string::npos) {
            std::string_view rest = std::string_view(req.target).substr(q + 1);
            while (!rest.empty()) {
                const auto amp = rest.find('&');
                const std::string_view pair = rest.substr(0, amp);
                const auto eq = pair.find('=');
                std::string k, v;
                if (!percent_decode(pair.substr(0, eq), k, true) ||
                    !percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), v, true))
                    return answer_and_close(plain_error(400, "bad_request", "查询参数编码不正确。"));
                if (!k.empty()) req.query.emplace_back(std::move(k), std::move(v));
                if (amp == std::string_view::npos) break;
                rest.remove_prefix(amp + 1);
            }
        }
        keep_alive = m.keep_alive();
        // Any Transfer-Encoding is refused: Beast ignores one that does not end in chunked, and the body bytes
        // would then be read as the next request.
        if (m.count(bhttp::field::transfer_encoding))
            return answer_and_close(plain_error(411, "length_required", "请求须带 Content-Length，不接受分块传输。"));
        body_limit = srv.limits.max_body_bytes;
        if (srv.hooks.before_body) {
            std::optional<Response> early;
            try {
                early = srv.hooks.before_body(req, body_limit);
            } catch (...) {
                early = plain_error(500, "internal", "服务器内部错误，请稍后再试。");
            }
            if (early) return answer_and_close(std::move(*early));
        }
        const auto len = parser->content_length();
        if (len && *len > body_limit) return answer_and_close(plain_error(413, "too_large", "请求内容超过上限。"));
        if (parser->is_done()) return on_body({});
        auto& expect = m[bhttp::field::expect];
        if (iequals(std::string_view(expect.data(), expect.size()), "100-continue")) {
            auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
            beast::get_lowest_layer(stream).expires_after(srv.limits.write);
            bhttp::async_write(stream, *cont, [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
                if (wec) return self->fail(wec);
                self->read_body();
            });
            return;
        }
        read_body();
    }

    void read_body() {
        beast::get_lowest_layer(stream).expires_after(srv.limits.body);
        bhttp::async_read(stream, buffer, *parser,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
    }

    void on_body(beast::error_code ec) {
        if (ec == bhttp::error::body_limit)
            return answer_and_close(plain_error(413, "too_large", "请求内容超过上限。"));
        if (ec) return fail(ec);
        req.body = std::move(parser->get().body());
        phase = Phase::answering;
        beast::get_lowest_layer(stream).expires_never();
        ++srv.c_requests;
        if (srv.hooks.is_inline && srv.hooks.is_inline(req)) return write(run_handler(req, srv.hooks));
        if (srv.workers_joined.load() || srv.queued.load() >= srv.limits.max_queued_requests) {
            ++srv.c_busy;
            return write(plain_error(503, "busy", "服务器繁忙，请稍后再试。"));
        }
        ++srv.queued;
        net::post(*srv.workers, [self = shared_from_this()] {
            --self->srv.queued;
            Response res = run_handler(self->req, self->srv.hooks);
            net::post(self->stream.get_executor(), [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
        });
    }

    static Response run_handler(Request& r, const Hooks& hooks) {
        try {
            return hooks.handle(r);
        } catch (...) {
            // Never the exception's text: it would name library internals.
            return plain_error(500, "internal", "服务器内部错误，请稍后再试。");
        }
    }

    void answer_and_close(Response res) {
        keep_alive = false;
        // The client may still be sending a body we refused: read and discard it after answering, or closing with
        // unread bytes makes the kernel send a reset that can destroy our answer before the client reads it.
        drain_after_answer = true;
        phase = Phase::answering;
        if (method_for_log.empty()) method_for_log = "-";
        write(std::move(res));
    }

    void write(Response res) {
        if (srv.hooks.finish) srv.hooks.finish(res);
        if (srv.stopping) keep_alive = false;
        out = std::make_shared<bhttp::response<bhttp::string_body>>();
        out->version(11);
        out->result(static_cast<unsigned>(res.status));
        for (auto& [k, v] : res.headers.items) out->insert(k, v);
        out->body() = std::move(res.body);
        out->keep_alive(keep_alive);
        out->prepare_payload();
        const std::size_t bytes = out->body().size();
        if (method_for_log == "HEAD") out->body().clear();  // the headers say how long the body would be; none is sent
        AccessLogEntry log{method_for_log, res.route, res.principal, peer, res.status, bytes,
                           std::chrono::duration<double, std::milli>(Clock::now() - request_started).count()};
        beast::get_lowest_layer(stream).expires_after(srv.limits.write);
        bhttp::async_write(stream, *out, [self = shared_from_this(), log](beast::error_code ec, std::size_t) {
            if (self->srv.hooks.access_log) self->srv.hooks.access_log(log);
            self->out.reset();
            if (ec) return self->fail(ec);
            if (self->keep_alive) return self->read_request();
            if (self->drain_after_answer) return self->drain();
            self->shutdown();
        });
    }

    void drain() {
        if (phase != Phase::closed) {  // one 2-second deadline for the whole drain, not one per read
            phase = Phase::closed;
            beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
            scratch.resize(16 * 1024);
        }
        stream.async_read_some(net::buffer(scratch), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            self->drained += n;
            if (ec || self->drained > (8u << 20)) return self->close_now();
            self->drain();
        });
    }

    void shutdown() {
        phase = Phase::closed;
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
        stream.async_shutdown([self = shared_from_this()](beast::error_code) {
            beast::error_code ec;
            beast::get_lowest_layer(self->stream).socket().shutdown(tcp::socket::shutdown_both, ec);
            beast::get_lowest_layer(self->stream).close();
        });
    }
};

void Server::Impl::forget(std::list<std::weak_ptr<Conn>>::iterator it, const std::string& peer) {
    std::lock_guard lock(reg_mu);
    all.erase(it);
    auto p = per_peer.find(peer);
    if (p != per_peer.end() && --p->second <= 0) per_peer.erase(p);
}

void Server::Impl::admit(const std::shared_ptr<Conn>& c) {
    // Every connection locked during the scan is kept alive until the lock is released: the last reference to one
    // must never drop inside the lock, or its destructor would take reg_mu again (forget) on this thread.
    std::vector<std::shared_ptr<Conn>> held, to_close_peer, to_close_total;
    {
        std::lock_guard lock(reg_mu);
        held.reserve(all.size());
        for (auto& w : all)
            if (auto o = w.lock()) held.push_back(std::move(o));
        // The oldest connections (in accept order) that are not being answered, as the contract says; ones already
        // chosen (doomed) count as gone, so a burst of newcomers never picks the same victim twice.
        auto pick = [&](const std::string* only_peer, int excess, std::vector<std::shared_ptr<Conn>>& out) {
            for (auto& o : held) {
                if (excess <= 0) return;
                const Phase ph = o->phase.load();
                if (o->doomed || (only_peer && o->peer != *only_peer) || ph == Phase::answering || ph == Phase::closed)
                    continue;
                o->doomed = true;
                out.push_back(o);
                --excess;
            }
        };
        auto alive = [&](const std::string* only_peer) {
            int n = 0;
            for (auto& o : held)
                if (!o->doomed && o->phase.load() != Phase::closed && (!only_peer || o->peer == *only_peer)) ++n;
            return n;
        };
        const int same_peer = alive(&c->peer);
        if (same_peer >= limits.max_connections_per_peer)
            pick(&c->peer, same_peer - limits.max_connections_per_peer + 1, to_close_peer);
        const int total = alive(nullptr);
        if (total >= limits.max_connections) pick(nullptr, total - limits.max_connections + 1, to_close_total);
        ++per_peer[c->peer];
        c->reg_it = all.insert(all.end(), c);
        c->registered = true;
    }
    for (auto& o : to_close_peer) o->abort_if_idle(c_peer_cap);
    for (auto& o : to_close_total) o->abort_if_idle(c_total_cap);
}

void Server::Impl::shed_one() {
    std::vector<std::shared_ptr<Conn>> held;
    std::shared_ptr<Conn> victim;
    {
        std::lock_guard lock(reg_mu);
        for (auto& w : all)
            if (auto o = w.lock()) held.push_back(std::move(o));
        for (Phase wanted : {Phase::handshake, Phase::waiting})
            for (auto& o : held)
                if (!victim && !o->doomed && o->phase.load() == wanted) {
                    o->doomed = true;
                    victim = o;
                }
    }
    if (victim) victim->abort_if_idle(c_total_cap);
}

void Server::Impl::do_accept() {
    acceptor.async_accept(net::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket sock) {
        if (ec) {
            if (self->stopping || ec == net::error::operation_aborted) return;
            // Out of descriptors: make room the way the caps do (the oldest connection not being answered).
            if (ec == net::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system)
                self->shed_one();
            // Then try again shortly rather than spin.
            auto t = std::make_shared<net::steady_timer>(self->acceptor.get_executor(), std::chrono::milliseconds(50));
            t->async_wait([self, t](beast::error_code) { self->do_accept(); });
            return;
        }
        if (self->stopping) return;
        beast::error_code e2;
        auto ep = sock.remote_endpoint(e2);
        sock.set_option(tcp::no_delay(true), e2);
        ++self->c_accepted;
        ++self->c_open;
        auto c = std::make_shared<Conn>(*self, std::move(sock));
        c->peer = e2 ? std::string("?") : ep.address().to_string();
        self->admit(c);
        net::post(c->stream.get_executor(), [c] { c->start(); });
        self->do_accept();
    });
}

Server::Server(SSL_CTX* ctx, Limits limits, Hooks hooks) {
    SSL_CTX_up_ref(ctx);
    impl_ = std::make_shared<Impl>(ctx, limits, std::move(hooks));
}

Server::~Server() {
    stop();
    wait();
}

Result<int> Server::start(const std::string& host, int port) {
    auto& I = *impl_;
    beast::error_code ec;
    auto addr = net::ip::make_address(host, ec);
    if (ec) return Error{"listen_failed", "无法解析监听地址 " + host};
    tcp::endpoint ep(addr, static_cast<unsigned short>(port));
    I.acceptor.open(ep.protocol(), ec);
    if (!ec) I.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) I.acceptor.bind(ep, ec);
    if (!ec) I.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return Error{"listen_failed", "无法监听 " + host + ":" + std::to_string(port) + "（" + ec.message() + "）"};
    const int bound = I.acceptor.local_endpoint().port();
    I.workers = std::make_unique<net::thread_pool>(static_cast<std::size_t>(std::max(1, I.limits.worker_threads)));
    I.work.emplace(I.ioc.get_executor());
    net::post(I.acceptor.get_executor(), [self = impl_] { self->do_accept(); });
    for (int i = 0; i < std::max(1, I.limits.io_threads); ++i)
        I.io_threads.emplace_back([self = impl_] {
            // An exception escaping a handler (out of memory) must not end the process: keep serving.
            for (;;) {
                try {
                    self->ioc.run();
                    return;
                } catch (...) {
                }
            }
        });
    {
        std::lock_guard lock(I.state_mu);
        I.started = true;
    }
    return bound;
}

void Server::stop() {
    auto& I = *impl_;
    {
        std::lock_guard lock(I.state_mu);
        if (!I.started) return;
    }
    if (I.stopping.exchange(true)) return wait();  // a second caller returns only when the first has finished
    net::post(I.acceptor.get_executor(), [self = impl_] {
        beast::error_code ec;
        self->acceptor.close(ec);
    });
    std::vector<std::shared_ptr<Conn>> open;
    {
        std::lock_guard lock(I.reg_mu);
        for (auto& w : I.all)
            if (auto c = w.lock()) open.push_back(c);
    }
    std::atomic<std::int64_t> ignored{0};
    for (auto& c : open) c->abort_if_idle(ignored);
    open.clear();
    {
        std::unique_lock lock(I.state_mu);
        I.state_cv.wait_for(lock, I.limits.drain, [&] { return I.c_open.load() <= 0; });
    }
    // No new request reaches the pool from now on (it is answered 503); what is queued runs to its end, and the
    // answers it posts are written before the I/O threads stop.
    I.workers_joined = true;
    I.workers->join();
    {
        std::unique_lock lock(I.state_mu);
        I.state_cv.wait_for(lock, I.limits.write, [&] { return I.c_open.load() <= 0; });
    }
    I.work.reset();
    I.ioc.stop();
    for (auto& t : I.io_threads)
        if (t.joinable()) t.join();
    {
        std::lock_guard lock(I.state_mu);
        I.stopped = true;
    }
    I.state_cv.notify_all();
}

void Server::wait() {
    auto& I = *impl_;
    std::unique_lock lock(I.state_mu);
    I.state_cv.wait(lock, [&] { return I.stopped || !I.started; });
}

Server::Counters Server::counters() const {
    auto& I = *impl_;
    return {I.c_accepted.load(), I.c_open.load(), I.c_deadline.load(), I.c_peer_cap.load(), I.c_total_cap.load(),
            I.c_requests.load(), I.c_busy.load()};
}

}  // namespace yimen::county::http
