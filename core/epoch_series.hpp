// EpochSeries: one loss value per epoch with bounded memory: the first epochs one by one, later
// epochs in buckets that keep their minimum, maximum, mean and last value (a spike still shows).
#pragma once

#include <cstddef>
#include <vector>

namespace nnlens {

class EpochSeries {
  public:
    // Epochs 1..kHead are kept one by one; after them at most kMaxBuckets buckets, each
    // covering `bucketWidth()` epochs (a power of two that doubles when the buckets run out).
    static constexpr int kHead = 2048;
    static constexpr int kMaxBuckets = 2048;

    // A run of epochs [first, last] (one epoch in the head).
    struct Point {
        int first = 0;
        int last = 0;
        float min = 0.0f;
        float max = 0.0f;
        float mean = 0.0f;   // of the finite values (NaN when there is none)
        float value = 0.0f;  // the last epoch's
    };

    EpochSeries() = default;
    explicit EpochSeries(const std::vector<float>& perEpoch);

    // The next epoch's value (epochs() + 1).
    void append(float value);
    // Keeps epochs 1..epochs (Continue from here). A bucket that straddles the cut keeps its
    // figures but ends at `epochs`.
    void truncate(int epochs);
    void clear();

    int epochs() const { return m_epochs; }
    bool empty() const { return m_epochs == 0; }
    int bucketWidth() const { return m_width; }
    // Points in epoch order: every head epoch, then every bucket (at most kHead + kMaxBuckets).
    std::vector<Point> points() const;
    std::size_t pointCount() const { return m_head.size() + m_tail.size(); }
    // The point that holds `epoch` (1..epochs()).
    Point at(int epoch) const;
    // The last epoch's value.
    float last() const;
    // Bytes held (for the memory bound's tests).
    std::size_t bytes() const;

  private:
    struct Bucket {
        float min, max, value;
        double sum;  // of the finite values
        int count;   // epochs in it
        int finite;  // finite values among them
    };
    Point pointOf(std::size_t bucket) const;
    void mergePairs();

    std::vector<float> m_head;   // (min(epochs, kHead))
    std::vector<Bucket> m_tail;  // bucket i holds epochs kHead + i*width + 1 ...
    int m_width = 1;
    int m_epochs = 0;
};

}  // namespace nnlens
