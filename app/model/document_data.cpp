// Document's data and training: the training settings, the dataset as an undo step, points added,
// moved and removed on the maps, and a training run committed as one undo step.
#include "document.hpp"

#include <memory>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "core/limits.hpp"
#include "core/network_io.hpp"

namespace nnlens::model {

void Document::setTrainingSettings(const TrainingSettings& settings) {
    if (settings == m_settings) return;
    const bool wasModified = isModified();
    m_settings = settings;
    m_settingsDirty = true;
    emit trainingSettingsChanged();
    if (!wasModified) emit modifiedChanged(true);
}

bool Document::setData(std::shared_ptr<const Dataset> data, const QString& text) {
    if (data && data->inputs() != m_net.inputs) {
        emit editRefused(QStringLiteral("the data have %1 input columns but the network has %2 "
                                        "inputs")
                             .arg(data->inputs())
                             .arg(m_net.inputs));
        return false;
    }
    return pushData(std::move(data), text, 0);
}

bool Document::pushData(std::shared_ptr<const Dataset> next, const QString& text, int dragId) {
    guard();
    m_undo.push(new DataCommand(this, m_data, std::move(next), text, dragId));
    return true;
}

void Document::applyData(std::shared_ptr<const Dataset> data) {
    m_data = std::move(data);
    emit dataChanged();
}

namespace {

// The low target of `data`: -1 when its targets are -1/+1, else 0.
float lowTarget(const Dataset& data) {
    for (int i = 0; i < data.size(); ++i)
        for (int k = 0; k < data.targets(); ++k)
            if (data.y(i, k) < 0.0f) return -1.0f;
    return 0.0f;
}

}  // namespace

bool Document::addPoint(float x1, float x2, bool high) {
    if (m_net.inputs != 2) {
        emit editRefused(QStringLiteral("points can be added to a network with 2 inputs only"));
        return false;
    }
    Dataset next;
    if (m_data) {
        next = *m_data;
    } else {
        next.x.resize(0, 2);
        next.y.resize(0, 1);
    }
    const int n = next.size();
    if (n >= kMaxGeneratedRows) {
        emit editRefused(QStringLiteral("the data set already has %1 points").arg(n));
        return false;
    }
    const float low = lowTarget(next);
    next.x.conservativeResize(n + 1, Eigen::NoChange);
    next.x(n, 0) = x1;
    next.x(n, 1) = x2;
    if (next.targets() > 0) {
        next.y.conservativeResize(n + 1, Eigen::NoChange);
        next.y.row(n).setConstant(high ? 1.0f : low);
    }
    if (next.hasLabels() || n == 0) next.labels.push_back(high ? 1 : 0);
    if (next.hasSigma()) {
        next.sigma.conservativeResize(n + 1, Eigen::NoChange);
        next.sigma.row(n) = next.sigma.row(n - 1);
    }
    return pushData(
        std::make_shared<const Dataset>(std::move(next)),
        high ? QStringLiteral("Add point (class 1)") : QStringLiteral("Add point (class 0)"), 0);
}

bool Document::movePoint(int row, float x1, float x2, int dragId) {
    if (!m_data || row < 0 || row >= m_data->size() || m_data->inputs() != 2) return false;
    auto next = std::make_shared<Dataset>(*m_data);
    next->x(row, 0) = x1;
    next->x(row, 1) = x2;
    return pushData(std::move(next), QStringLiteral("Move point %1").arg(row + 1), dragId);
}

bool Document::removePoint(int row) {
    if (!m_data || row < 0 || row >= m_data->size()) return false;
    std::vector<int> rows;
    rows.reserve(static_cast<std::size_t>(m_data->size()));
    for (int i = 0; i < m_data->size(); ++i)
        if (i != row) rows.push_back(i);
    return pushData(std::make_shared<const Dataset>(m_data->gather(rows)),
                    QStringLiteral("Delete point %1").arg(row + 1), 0);
}

void Document::showTrainingNetwork(const Network& net) {
    m_net = net;
    emit networkChanged(EditHint{0, -1, false, true});
}

bool Document::commitTraining(const Network& before, const QString& text) {
    // No guard: this is how the guard itself ends a run segment. The network is already shown.
    m_undo.push(new NetworkCommand(this, before, m_net, text, EditHint{0, -1, false},
                                   NetworkCommand::Mode::AlreadyApplied));
    return true;
}

}  // namespace nnlens::model
