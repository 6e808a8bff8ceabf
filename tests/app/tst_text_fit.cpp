// #20 "fit, then floor", on the figures as files: every figure that nnlens-cli render and File >
// Export write, at its default size, normal and presentation, keeps every text inside the figure,
// apart from the other texts and at or above the floor size. The texts are recorded as the
// painter draws them (tests/support/text_boxes.hpp), not read from the style's settings.
#include <QTest>

#include <cmath>
#include <string>

#include "core/network_io.hpp"
#include "figures/figures.hpp"
#include "text_boxes.hpp"

using namespace nnlens;
using figures::FigureKind;

namespace {

Network preset(const QString& name) {
    return readNetwork(std::string(NNLENS_SOURCE_DIR "/resources/presets/") + name.toStdString() +
                       ".nnlens.json");
}

// The normal floor: 9 pt at 96 dpi (12 px), in proportion to the figure's dpi, in whole pixels
// (fonts are sized in whole pixels: 12.5 px at 100 dpi gives 12).
double floorPx(const figures::FigureStyle& style) {
    return std::floor(12.0 * style.dpi / 96.0);
}

}  // namespace

class TestTextFit : public QObject {
    Q_OBJECT

  private slots:
    void defaultSizes_data() {
        QTest::addColumn<QString>("presetName");
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("presentation");
        const FigureKind kinds[] = {
            FigureKind::Graph,       FigureKind::Unit,    FigureKind::NodeMap, FigureKind::Network,
            FigureKind::Activations, FigureKind::Softmax, FigureKind::Losses,  FigureKind::Flow,
            FigureKind::Stats,       FigureKind::Quiz};
        for (const char* name : {"quadrant-selector", "spiral-2-8-8-8-1", "lesson-xor-2-4-1"}) {
            for (const FigureKind kind : kinds) {
                for (const bool presentation : {false, true}) {
                    const std::string_view figure = figures::figureName(kind);
                    QTest::addRow("%s %.*s%s", name, int(figure.size()), figure.data(),
                                  presentation ? " presentation" : "")
                        << QString::fromUtf8(name) << int(kind) << presentation;
                }
            }
        }
    }
    void defaultSizes() {
        QFETCH(QString, presetName);
        QFETCH(int, kind);
        QFETCH(bool, presentation);
        const Network net = preset(presetName);
        figures::FigureOptions opt;
        if (presentation) {
            opt.style.scale = 1.5;
            opt.style.highContrast = true;
        }
        const auto k = static_cast<FigureKind>(kind);
        const QSize size = figures::defaultFigureSize(k, net, opt.style);
        test::TextRecorder device(size, opt.style.dpi);
        {
            QPainter p(&device);
            figures::paintFigure(p, QRectF(QPointF(0, 0), size), k, net, nullptr, opt);
        }
        QVERIFY(!device.boxes().empty());
        const QStringList problems =
            test::textProblems(device.boxes(), QRectF(QPointF(0, 0), size), floorPx(opt.style));
        QVERIFY2(problems.isEmpty(),
                 qPrintable(QStringLiteral("%1 x %2: ").arg(size.width()).arg(size.height()) +
                            problems.join(QStringLiteral("; "))));
    }

    // The sizes a probe found text over text at (#20 item 3: the data-flow legend's two halves
    // at the Data flow tab's size, 4 modules), inside and apart (no floor: a view's own).
    void probedSizes_data() {
        QTest::addColumn<QString>("presetName");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QSize>("size");
        for (const char* name : {"quadrant-selector", "lesson-xor-2-4-1", "spiral-2-8-8-8-1"}) {
            QTest::addRow("%s flow 622 x 620", name)
                << QString::fromUtf8(name) << int(FigureKind::Flow) << QSize(622, 620);
            QTest::addRow("%s flow 480 x 620", name)
                << QString::fromUtf8(name) << int(FigureKind::Flow) << QSize(480, 620);
        }
    }
    void probedSizes() {
        QFETCH(QString, presetName);
        QFETCH(int, kind);
        QFETCH(QSize, size);
        const Network net = preset(presetName);
        const figures::FigureOptions opt;
        test::TextRecorder device(size, opt.style.dpi);
        {
            QPainter p(&device);
            figures::paintFigure(p, QRectF(QPointF(0, 0), size), static_cast<FigureKind>(kind), net,
                                 nullptr, opt);
        }
        const QStringList problems =
            test::textProblems(device.boxes(), QRectF(QPointF(0, 0), size), 0.0);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));
    }
};

QTEST_MAIN(TestTextFit)
#include "tst_text_fit.moc"
