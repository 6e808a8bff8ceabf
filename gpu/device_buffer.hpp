// DeviceBuffer<T>: a move-only RAII allocation in GPU memory (cudaMalloc / cudaFree).
#pragma once

#include <cstddef>
#include <utility>

#include <cuda_runtime_api.h>

#include "cuda_check.hpp"

namespace nnlens::gpu {

template <typename T>
class DeviceBuffer {
  public:
    DeviceBuffer() = default;
    explicit DeviceBuffer(std::size_t count) { resize(count); }
    ~DeviceBuffer() { release(); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& o) noexcept
        : m_ptr(std::exchange(o.m_ptr, nullptr)), m_count(std::exchange(o.m_count, 0)) {}
    DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
        if (this != &o) {
            release();
            m_ptr = std::exchange(o.m_ptr, nullptr);
            m_count = std::exchange(o.m_count, 0);
        }
        return *this;
    }

    // Reallocates (contents lost) only when more room is needed.
    void resize(std::size_t count) {
        if (count <= m_count && m_ptr) return;
        release();
        void* p = nullptr;
        NNLENS_CUDA_CHECK(cudaMalloc(&p, (count > 0 ? count : 1) * sizeof(T)));
        m_ptr = static_cast<T*>(p);
        m_count = count;
    }
    void upload(const T* host, std::size_t count, std::size_t offset = 0) {
        NNLENS_CUDA_CHECK(
            cudaMemcpy(m_ptr + offset, host, count * sizeof(T), cudaMemcpyHostToDevice));
    }
    void download(T* host, std::size_t count, std::size_t offset = 0) const {
        NNLENS_CUDA_CHECK(
            cudaMemcpy(host, m_ptr + offset, count * sizeof(T), cudaMemcpyDeviceToHost));
    }
    void zero() { zero(m_count); }
    void zero(std::size_t count, std::size_t offset = 0) {
        if (count > 0) NNLENS_CUDA_CHECK(cudaMemset(m_ptr + offset, 0, count * sizeof(T)));
    }

    T* data() { return m_ptr; }
    const T* data() const { return m_ptr; }
    std::size_t size() const { return m_count; }

  private:
    void release() noexcept {
        if (m_ptr) cudaFree(m_ptr);
        m_ptr = nullptr;
        m_count = 0;
    }

    T* m_ptr = nullptr;
    std::size_t m_count = 0;
};

}  // namespace nnlens::gpu
