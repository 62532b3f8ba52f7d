// task_runner.cpp — lanes and the main-thread queue (see task_runner.hpp).
#include "kiosk/model/task_runner.hpp"

#include <chrono>
#include <condition_variable>
#include <thread>

namespace yimen::kiosk {

class TaskRunner::Lane_ {
public:
    Lane_() {
        thread_ = std::thread([this] {
            std::unique_lock lk(mu_);
            for (;;) {
                cv_.wait(lk, [this] { return stop_ || !jobs_.empty(); });
                if (stop_ && jobs_.empty()) return;  // a receipt already queued still prints
                auto job = std::move(jobs_.front());
                jobs_.pop_front();
                lk.unlock();
                job();
                lk.lock();
            }
        });
    }
    ~Lane_() {
        {
            std::lock_guard lk(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    void push(std::function<void()> job) {
        {
            std::lock_guard lk(mu_);
            jobs_.push_back(std::move(job));
        }
        cv_.notify_one();
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    bool stop_ = false;
    std::thread thread_;
};

TaskRunner::TaskRunner() {
    for (auto& l : lanes_) l = std::make_unique<Lane_>();
}

TaskRunner::~TaskRunner() {
    for (auto& l : lanes_) l.reset();
}

void TaskRunner::run(Lane lane, std::function<void()> job) {
    lanes_[static_cast<std::size_t>(lane)]->push(std::move(job));
}

void TaskRunner::post(std::function<void()> fn) {
    {
        std::lock_guard lk(queue_mu_);
        queue_.push_back(std::move(fn));
    }
    std::lock_guard lk(wake_mu_);
    if (wake_) wake_();
}

bool TaskRunner::drain() {
    std::deque<std::function<void()>> q;
    {
        std::lock_guard lk(queue_mu_);
        q.swap(queue_);
    }
    for (auto& f : q) f();
    return !q.empty();
}

void TaskRunner::set_wake(std::function<void()> wake) {
    std::lock_guard lk(wake_mu_);
    wake_ = std::move(wake);
}

void TaskRunner::settle(int timeout_ms) {
    // A bound on waiting for real threads, never an assertion about time.
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < end) {
        drain();
        if (pending_.load() == 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

}  // namespace yimen::kiosk
