// The figure export as a lecturer meets it (#13): File > Export driven through its widgets and
// nnlens-cli render, checked on the PNGs they write: the size typed is the size written, the
// dialog remembers its settings, its defaults read on a slide, no selection frame unless asked.
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QProcess>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>

#include "figures/figures.hpp"
#include "figures/paint_util.hpp"
#include "gui/main_window.hpp"
#include "test_window.hpp"
#include "widgets/export_dialog.hpp"
#include "widgets/figure_view.hpp"

using namespace nnlens;
using figures::FigureKind;

Q_DECLARE_METATYPE(nnlens::figures::FigureKind)

namespace {

const QString kQuadrant = QStringLiteral(":/presets/quadrant-selector.nnlens.json");
const QString kSingleUnit = QStringLiteral(":/presets/single-unit.nnlens.json");

template <typename T>
T* child(QObject* parent, const char* name) {
    auto* c = parent->findChild<T*>(QString::fromUtf8(name));
    if (!c) qWarning("no child %s", name);
    return c;
}

// Types `text` into a spin box as a person does: select all, then the keys.
void type(QSpinBox* box, const QString& text) {
    box->setFocus();
    box->selectAll();
    QTest::keyClicks(box, text);
}

int selectionPixels(const QImage& img) {
    const QRgb frame = figures::detail::selectionColour().rgb();
    int n = 0;
    for (int y = 0; y < img.height(); ++y) {
        for (int x = 0; x < img.width(); ++x)
            n += (img.pixel(x, y) | 0xff000000u) == frame ? 1 : 0;
    }
    return n;
}

// The tallest run of rows holding dark pixels in the columns [x0, x1) of `rect`: the height of
// the colour bar's tick labels' glyphs.
int tallestText(const QImage& img, const QRect& rect) {
    int best = 0, run = 0;
    for (int y = rect.top(); y <= rect.bottom(); ++y) {
        bool dark = false;
        for (int x = rect.left(); x <= rect.right() && !dark; ++x)
            dark = qGray(img.pixel(x, y)) < 110;
        run = dark ? run + 1 : 0;
        best = std::max(best, run);
    }
    return best;
}

}  // namespace

class TestExport : public QObject {
    Q_OBJECT

    std::unique_ptr<gui::MainWindow> m_window;

    // File > Export Figure…, as the menu opens it.
    widgets::ExportDialog* openDialog() {
        for (QAction* a : m_window->findChildren<QAction*>()) {
            if (a->text().startsWith(QStringLiteral("&Export Figure"))) a->trigger();
        }
        return m_window->findChild<widgets::ExportDialog*>();
    }

    void closeDialog(widgets::ExportDialog* dialog) {
        dialog->close();  // deletes itself (WA_DeleteOnClose)
        QTRY_VERIFY(!m_window->findChild<widgets::ExportDialog*>());
    }

    QString cliRender(const QString& preset, const QString& figure, const QString& out,
                      const QStringList& extra) {
        QProcess p;
        p.start(QStringLiteral(NNLENS_CLI_PATH),
                QStringList{QStringLiteral("render"),
                            QStringLiteral(NNLENS_SOURCE_DIR "/resources/presets/") + preset +
                                QStringLiteral(".nnlens.json"),
                            QStringLiteral("--figure"), figure, QStringLiteral("-o"), out,
                            QStringLiteral("--backend"), QStringLiteral("cpu")} +
                    extra);
        if (!p.waitForFinished(60000)) return QStringLiteral("timeout");
        if (p.exitCode() != 0) return QString::fromUtf8(p.readAllStandardError());
        return {};
    }

  private slots:
    void initTestCase() {
        // Settings of this test only, never the user's.
        QCoreApplication::setOrganizationName(QStringLiteral("nnlens-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_export"));
        QStandardPaths::setTestModeEnabled(true);
    }

    void init() {
        QSettings().clear();
        m_window = test::makeTestWindow();
        QVERIFY(m_window);
        QVERIFY(m_window->openPreset(kQuadrant));
    }

    void cleanup() {
        if (auto* d = m_window->findChild<widgets::ExportDialog*>()) closeDialog(d);
        m_window.reset();
        QSettings().clear();
    }

    // #13: width 1600, then dpi 150, wrote a 2400 px wide PNG. The size typed is the size
    // written, in whatever order; the dpi is written into the PNG and sizes text and lines.
    void typedSizeIsWrittenSize_data() {
        QTest::addColumn<FigureKind>("kind");
        QTest::addColumn<QString>("first");  // "width", "height" or "dpi"
        QTest::addColumn<int>("firstValue");
        QTest::addColumn<QString>("second");
        QTest::addColumn<int>("secondValue");
        QTest::newRow("graph: width 1600, then dpi 150")
            << FigureKind::Graph << "width" << 1600 << "dpi" << 150;
        QTest::newRow("unit: width 900, then dpi 300")
            << FigureKind::Unit << "width" << 900 << "dpi" << 300;
        QTest::newRow("activations: height 500, then dpi 72")
            << FigureKind::Activations << "height" << 500 << "dpi" << 72;
        QTest::newRow("network: dpi 200, then width 1000")
            << FigureKind::Network << "dpi" << 200 << "width" << 1000;
    }
    void typedSizeIsWrittenSize() {
        QFETCH(FigureKind, kind);
        QFETCH(QString, first);
        QFETCH(int, firstValue);
        QFETCH(QString, second);
        QFETCH(int, secondValue);
        widgets::ExportDialog* dialog = openDialog();
        QVERIFY(dialog);
        dialog->setFigure(kind);
        auto* width = child<QSpinBox>(dialog, "exportWidth");
        auto* height = child<QSpinBox>(dialog, "exportHeight");
        auto* dpi = child<QSpinBox>(dialog, "exportDpi");
        QVERIFY(width && height && dpi);
        type(dpi, QStringLiteral("100"));  // where #13 started: the old default
        QCOMPARE(dpi->value(), 100);
        auto box = [&](const QString& name) {
            return name == "width" ? width : name == "height" ? height : dpi;
        };
        type(box(first), QString::number(firstValue));
        QCOMPARE(box(first)->value(), firstValue);
        type(box(second), QString::number(secondValue));
        QCOMPARE(box(second)->value(), secondValue);
        const int typedDpi = first == "dpi" ? firstValue : secondValue;
        const QString side = first == "dpi" ? second : first;
        const int typedSide = first == "dpi" ? secondValue : firstValue;
        // The proportions kept: the other side follows the one typed.
        const QSize shown(width->value(), height->value());
        QCOMPARE(side == "width" ? shown.width() : shown.height(), typedSide);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fig.png"));
        QString error;
        QVERIFY2(dialog->exportTo(path, &error), qPrintable(error));
        const QImage written(path);
        QCOMPARE(written.size(), shown);
        QCOMPARE(side == "width" ? written.width() : written.height(), typedSide);
        QVERIFY(std::abs(written.dotsPerMeterX() * 0.0254 - typedDpi) < 0.5);
    }

    // render: --dpi with --width and --height writes exactly that size; --dpi alone follows the
    // spec's figsize times dpi.
    void renderDpiKeepsTheGivenSize_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QSize>("size");
        QTest::newRow("--width 1600 --height 900 --dpi 150")
            << QStringList{"--width", "1600", "--height", "900", "--dpi", "150"}
            << QSize(1600, 900);
        QTest::newRow("--dpi 300 --width 700 --height 500")
            << QStringList{"--dpi", "300", "--width", "700", "--height", "500"} << QSize(700, 500);
        QTest::newRow("--dpi 200 alone: 12 x 5 in times 200")
            << QStringList{"--dpi", "200"} << QSize();
    }
    void renderDpiKeepsTheGivenSize() {
        QFETCH(QStringList, args);
        QFETCH(QSize, size);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("fig.png"));
        const QString error = cliRender(QStringLiteral("quadrant-selector"),
                                        QStringLiteral("activations"), out, args);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QImage img(out);
        if (size.isValid()) {
            QCOMPARE(img.size(), size);
        } else {
            figures::FigureStyle style;
            style.dpi = 200;
            QCOMPARE(img.size(),
                     figures::defaultFigureSize(FigureKind::Activations,
                                                m_window->document()->network(), style));
            QCOMPARE(img.size(), QSize(2400, 1000));  // 12 x 5 in
        }
    }

    // The dialog starts where the last export left it: size, dpi and proportions per figure,
    // background and selection for every figure.
    void settingsPersistAcrossDialogs() {
        widgets::ExportDialog* dialog = openDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->figure(), FigureKind::Graph);
        type(child<QSpinBox>(dialog, "exportWidth"), QStringLiteral("1000"));
        type(child<QSpinBox>(dialog, "exportDpi"), QStringLiteral("200"));
        QTest::mouseClick(child<QCheckBox>(dialog, "exportTransparent"), Qt::LeftButton);
        QTest::mouseClick(child<QCheckBox>(dialog, "exportShowSelection"), Qt::LeftButton);
        QVERIFY(dialog->showSelection());
        const QSize graphSize = dialog->imageSize();
        QCOMPARE(graphSize.width(), 1000);
        QTemporaryDir dir;
        QString error;
        QVERIFY2(dialog->exportTo(dir.filePath(QStringLiteral("a.png")), &error),
                 qPrintable(error));
        // The diagram with its own size, proportions not kept.
        dialog->setFigure(FigureKind::Network);
        QCOMPARE(dialog->style().dpi, double(widgets::ExportDialog::kDefaultDpi));
        QCOMPARE(dialog->imageSize(), m_window->defaultExportSize(
                                          FigureKind::Network, widgets::ExportDialog::kDefaultDpi));
        QTest::mouseClick(child<QCheckBox>(dialog, "exportKeepAspect"), Qt::LeftButton);
        type(child<QSpinBox>(dialog, "exportWidth"), QStringLiteral("900"));
        type(child<QSpinBox>(dialog, "exportHeight"), QStringLiteral("300"));
        QVERIFY2(dialog->exportTo(dir.filePath(QStringLiteral("b.png")), &error),
                 qPrintable(error));
        closeDialog(dialog);

        // A new dialog, as the next File > Export opens it.
        dialog = openDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->figure(), FigureKind::Graph);
        QCOMPARE(dialog->imageSize(), graphSize);
        QCOMPARE(child<QSpinBox>(dialog, "exportDpi")->value(), 200);
        QVERIFY(child<QCheckBox>(dialog, "exportTransparent")->isChecked());
        QVERIFY(child<QCheckBox>(dialog, "exportShowSelection")->isChecked());
        QVERIFY(dialog->style().transparent);
        dialog->setFigure(FigureKind::Network);
        QCOMPARE(dialog->imageSize(), QSize(900, 300));
        QVERIFY(!child<QCheckBox>(dialog, "exportKeepAspect")->isChecked());
        QCOMPARE(dialog->style().dpi, double(widgets::ExportDialog::kDefaultDpi));
        // A figure never exported: its default size at the default dpi.
        dialog->setFigure(FigureKind::Activations);
        QCOMPARE(dialog->imageSize(),
                 m_window->defaultExportSize(FigureKind::Activations,
                                             widgets::ExportDialog::kDefaultDpi));
        QVERIFY(child<QCheckBox>(dialog, "exportKeepAspect")->isChecked());
    }

    // #13: a single unit exported at 387 x 300 with 6 px colour-bar labels. The first export of
    // a one-unit network is larger and its colour bar's labels are at least 12 px fonts (digits
    // 9 px tall and more).
    void defaultsReadOnASlide() {
        QVERIFY(m_window->openPreset(kSingleUnit));
        widgets::ExportDialog* dialog = openDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->figure(), FigureKind::Graph);
        QCOMPARE(dialog->style().dpi, double(widgets::ExportDialog::kDefaultDpi));
        QVERIFY(!dialog->style().transparent);
        QVERIFY(!dialog->showSelection());
        const QSize size = dialog->imageSize();
        QCOMPARE(size, m_window->defaultExportSize(FigureKind::Graph,
                                                   widgets::ExportDialog::kDefaultDpi));
        QVERIFY2(size.height() >= 450, qPrintable(QString::number(size.height())));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("unit.png"));
        QString error;
        QVERIFY2(dialog->exportTo(path, &error), qPrintable(error));
        const QImage img(path);
        QCOMPARE(img.size(), size);
        if (const QString shots = qEnvironmentVariable("NNLENS_SHOT_DIR"); !shots.isEmpty()) {
            img.save(shots + "/export-single-unit-default.png");
            dialog->grab().save(shots + "/export-dialog.png");
        }
        figures::FigureOptions opt;
        opt.style = dialog->style();
        const figures::GraphLayout layout = figures::layoutGraph(
            m_window->document()->network(), QRectF(QPointF(0, 0), QSizeF(size)), opt);
        QVERIFY(!layout.colourBar.isEmpty());
        // The labels: the right half of the colour bar's box.
        const QRect bar = layout.colourBar.toAlignedRect();
        const QRect labels(bar.center().x(), bar.top(), bar.right() - bar.center().x(),
                           bar.height());
        const int digits = tallestText(img, labels.intersected(img.rect()));
        QVERIFY2(digits >= 9, qPrintable(QStringLiteral("%1 px").arg(digits)));
    }

    // #13: exports carried the orange selection frame. None in File > Export and render unless
    // asked for (the dialog's checkbox, render --show-selection).
    void noSelectionFrameUnlessAsked_data() {
        QTest::addColumn<FigureKind>("kind");
        QTest::addColumn<bool>("cli");
        QTest::addColumn<bool>("asked");
        QTest::newRow("File > Export, graph") << FigureKind::Graph << false << false;
        QTest::newRow("File > Export, network") << FigureKind::Network << false << false;
        QTest::newRow("File > Export, graph, frame asked") << FigureKind::Graph << false << true;
        QTest::newRow("File > Export, network, frame asked")
            << FigureKind::Network << false << true;
        QTest::newRow("render graph") << FigureKind::Graph << true << false;
        QTest::newRow("render network") << FigureKind::Network << true << false;
        QTest::newRow("render graph --show-selection") << FigureKind::Graph << true << true;
        QTest::newRow("render network --show-selection") << FigureKind::Network << true << true;
    }
    void noSelectionFrameUnlessAsked() {
        QFETCH(FigureKind, kind);
        QFETCH(bool, cli);
        QFETCH(bool, asked);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fig.png"));
        const QString name = QString::fromUtf8(figures::figureName(kind).data());
        if (cli) {
            QStringList extra{"--node", "2,1"};
            if (asked) extra << "--show-selection";
            const QString error = cliRender(QStringLiteral("quadrant-selector"), name, path, extra);
            QVERIFY2(error.isEmpty(), qPrintable(error));
        } else {
            m_window->document()->setSelection({1, 0});
            // The window itself marks the selection.
            QVERIFY(m_window->graphView()->options().showSelection);
            widgets::ExportDialog* dialog = openDialog();
            QVERIFY(dialog);
            dialog->setFigure(kind);
            auto* box = child<QCheckBox>(dialog, "exportShowSelection");
            QVERIFY(!box->isChecked());
            if (asked) QTest::mouseClick(box, Qt::LeftButton);
            QCOMPARE(dialog->showSelection(), asked);
            QString error;
            QVERIFY2(dialog->exportTo(path, &error), qPrintable(error));
        }
        const int framed = selectionPixels(QImage(path));
        if (asked) {
            QVERIFY2(framed > 100, qPrintable(QString::number(framed)));
        } else {
            QCOMPARE(framed, 0);
        }
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
