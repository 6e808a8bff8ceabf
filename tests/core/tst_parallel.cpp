// parallelFor: every index covered once, exceptions reach the caller after all chunks have ended,
// nested calls run inline, and the pool keeps working after a failure.
#include <atomic>
#include <chrono>
#include <new>
#include <stdexcept>
#include <thread>
#include <vector>

#include <QTest>

#include "core/parallel.hpp"

using namespace nnlens;

class TestParallel : public QObject {
    Q_OBJECT

  private slots:
    void coversEveryIndexOnce() {
        std::vector<std::atomic<int>> hits(100000);
        parallelFor(100000, 1000, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t i = b; i < e; ++i)
                hits[std::size_t(i)].fetch_add(1);
        });
        for (const auto& h : hits)
            QCOMPARE(h.load(), 1);
    }

    void exceptionReachesCallerAfterEveryChunk_data() {
        QTest::addColumn<bool>("inCallerChunk");
        QTest::newRow("thrown on a pool thread") << false;
        QTest::newRow("thrown on the calling thread") << true;
    }
    void exceptionReachesCallerAfterEveryChunk() {
        QFETCH(bool, inCallerChunk);
        if (parallelThreads() < 2) QSKIP("one core: no pool threads to throw on");
        std::atomic<int> finished{0};
        std::atomic<int> chunks{0};
        bool caught = false;
        try {
            parallelFor(1 << 20, 1, [&](std::int64_t b, std::int64_t) {
                chunks.fetch_add(1);
                if ((b == 0) == inCallerChunk) throw std::bad_alloc();
                // The others keep running a while: the exception must wait for them.
                std::this_thread::sleep_for(std::chrono::milliseconds(30));
                finished.fetch_add(1);
            });
        } catch (const std::bad_alloc&) {
            caught = true;
        }
        QVERIFY(caught);
        // Every chunk that did not throw had ended before the caller saw the exception.
        QCOMPARE(finished.load(), chunks.load() - 1);
        // The pool still works.
        std::atomic<std::int64_t> sum{0};
        parallelFor(1000, 1, [&](std::int64_t b, std::int64_t e) { sum.fetch_add(e - b); });
        QCOMPARE(sum.load(), std::int64_t(1000));
    }

    void everyChunkThrowsOneExceptionArrives() {
        bool caught = false;
        try {
            parallelFor(1000, 1, [](std::int64_t, std::int64_t) {
                throw std::runtime_error("chunk failed");
            });
        } catch (const std::runtime_error& e) {
            caught = QByteArray(e.what()) == "chunk failed";
        }
        QVERIFY(caught);
    }

    void nestedCallRunsInline() {
        std::atomic<std::int64_t> total{0};
        parallelFor(64, 1, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t i = b; i < e; ++i) {
                parallelFor(100, 1,
                            [&](std::int64_t b2, std::int64_t e2) { total.fetch_add(e2 - b2); });
            }
        });
        QCOMPARE(total.load(), std::int64_t(6400));
    }

    // Two threads' regions (the maps' worker and training's, say) never wait on each other: a
    // region whose chunk waits for another thread's whole parallelFor still ends (with one lock
    // for all regions, the second call would wait for the first, which waits for it).
    void anotherThreadsCallDoesNotWait() {
        if (parallelThreads() < 2) QSKIP("one core: every region runs on its caller");
        std::atomic<bool> otherDone{false};
        std::atomic<bool> timedOut{false};
        std::atomic<std::int64_t> otherTotal{0};
        std::thread other;
        parallelFor(2, 1, [&](std::int64_t b, std::int64_t) {
            if (b != 0) return;
            other = std::thread([&] {
                parallelFor(1000, 10, [&](std::int64_t b2, std::int64_t e2) {
                    otherTotal.fetch_add(e2 - b2);
                });
                otherDone = true;
            });
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (!otherDone && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            timedOut = !otherDone;
        });
        other.join();
        QVERIFY(!timedOut);
        QCOMPARE(otherTotal.load(), std::int64_t(1000));
    }
};

QTEST_GUILESS_MAIN(TestParallel)
#include "tst_parallel.moc"
