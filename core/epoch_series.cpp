// EpochSeries: the head kept exactly, the tail in buckets whose width doubles as the run grows.
#include "epoch_series.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nnlens {

namespace {

// min and max that keep to the finite values where there are some (NaN never wins).
float lower(float a, float b) {
    return std::isnan(a) ? b : (std::isnan(b) ? a : std::min(a, b));
}
float higher(float a, float b) {
    return std::isnan(a) ? b : (std::isnan(b) ? a : std::max(a, b));
}

}  // namespace

EpochSeries::EpochSeries(const std::vector<float>& perEpoch) {
    for (const float v : perEpoch)
        append(v);
}

void EpochSeries::append(float value) {
    ++m_epochs;
    if (static_cast<int>(m_head.size()) < kHead) {
        m_head.push_back(value);
        return;
    }
    const bool finite = std::isfinite(value);
    if (m_tail.empty() || m_tail.back().count >= m_width) {
        if (static_cast<int>(m_tail.size()) >= kMaxBuckets) mergePairs();
    }
    if (m_tail.empty() || m_tail.back().count >= m_width) {
        m_tail.push_back({value, value, value, finite ? double(value) : 0.0, 1, finite ? 1 : 0});
        return;
    }
    Bucket& b = m_tail.back();
    b.min = lower(b.min, value);
    b.max = higher(b.max, value);
    b.value = value;
    if (finite) {
        b.sum += value;
        ++b.finite;
    }
    ++b.count;
}

void EpochSeries::mergePairs() {
    std::vector<Bucket> merged;
    merged.reserve(m_tail.size() / 2 + 1);
    for (std::size_t i = 0; i < m_tail.size(); i += 2) {
        Bucket a = m_tail[i];
        if (i + 1 < m_tail.size()) {
            const Bucket& b = m_tail[i + 1];
            a.min = lower(a.min, b.min);
            a.max = higher(a.max, b.max);
            a.value = b.value;
            a.sum += b.sum;
            a.count += b.count;
            a.finite += b.finite;
        }
        merged.push_back(a);
    }
    m_tail = std::move(merged);
    m_width *= 2;
}

void EpochSeries::truncate(int epochs) {
    epochs = std::max(0, epochs);
    if (epochs >= m_epochs) return;
    m_epochs = epochs;
    if (epochs <= kHead) {
        m_head.resize(static_cast<std::size_t>(epochs));
        m_tail.clear();
        m_width = 1;
        return;
    }
    const int inTail = epochs - kHead;
    const auto keep = static_cast<std::size_t>((inTail + m_width - 1) / m_width);
    m_tail.resize(keep);
    if (!m_tail.empty()) m_tail.back().count = inTail - static_cast<int>(keep - 1) * m_width;
}

void EpochSeries::clear() {
    m_head.clear();
    m_tail.clear();
    m_width = 1;
    m_epochs = 0;
}

EpochSeries::Point EpochSeries::pointOf(std::size_t i) const {
    const Bucket& b = m_tail[i];
    Point p;
    p.first = kHead + static_cast<int>(i) * m_width + 1;
    p.last = p.first + b.count - 1;
    p.min = b.min;
    p.max = b.max;
    p.value = b.value;
    p.mean = b.finite > 0 ? static_cast<float>(b.sum / b.finite)
                          : std::numeric_limits<float>::quiet_NaN();
    return p;
}

std::vector<EpochSeries::Point> EpochSeries::points() const {
    std::vector<Point> out;
    out.reserve(pointCount());
    for (std::size_t i = 0; i < m_head.size(); ++i) {
        const int e = static_cast<int>(i) + 1;
        const float v = m_head[i];
        out.push_back({e, e, v, v, v, v});
    }
    for (std::size_t i = 0; i < m_tail.size(); ++i)
        out.push_back(pointOf(i));
    return out;
}

EpochSeries::Point EpochSeries::at(int epoch) const {
    epoch = std::clamp(epoch, 1, std::max(1, m_epochs));
    if (epoch <= static_cast<int>(m_head.size())) {
        const float v = m_head[static_cast<std::size_t>(epoch - 1)];
        return {epoch, epoch, v, v, v, v};
    }
    if (m_tail.empty()) return {};
    const auto i =
        std::min(static_cast<std::size_t>((epoch - kHead - 1) / m_width), m_tail.size() - 1);
    return pointOf(i);
}

float EpochSeries::last() const {
    if (!m_tail.empty()) return m_tail.back().value;
    return m_head.empty() ? std::numeric_limits<float>::quiet_NaN() : m_head.back();
}

std::size_t EpochSeries::bytes() const {
    return m_head.capacity() * sizeof(float) + m_tail.capacity() * sizeof(Bucket);
}

}  // namespace nnlens
