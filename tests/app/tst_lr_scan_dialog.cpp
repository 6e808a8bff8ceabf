// Training > Learning-rate scan, driven offscreen through the window's real widgets: a scan runs
// to the end and leaves the network and the undo stack as they were, "Use this rate" reaches the
// Training dock, Cancel and closing stop a long scan, no data or a loss that does not fit gives a
// message, the exported PNG equals `nnlens-cli render --figure lr-scan` of the same scan, and a
// scan pauses training.
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "gui/main_window.hpp"
#include "same_network.hpp"
#include "test_window.hpp"
#include "text/number_text.hpp"
#include "widgets/data_panel.hpp"
#include "widgets/export_dialog.hpp"
#include "widgets/figure_view.hpp"
#include "widgets/lr_scan_dialog.hpp"
#include "widgets/training_panel.hpp"

using namespace nnlens;

namespace {

const QString kLesson = QStringLiteral(":/presets/lesson-spiral-2-8-8-8-1.nnlens.json");
const QString kSpiral = QStringLiteral(":/presets/spiral-2-8-8-8-1.nnlens.json");

int distinctColours(const QImage& img) {
    std::set<QRgb> colours;
    for (int y = 0; y < img.height(); y += 2) {
        for (int x = 0; x < img.width(); x += 2)
            colours.insert(img.pixel(x, y));
    }
    return static_cast<int>(colours.size());
}

// The JSON `nnlens-cli lr-scan` prints, from a result (NaN as null, as the CLI writes it).
bool writeScanJson(const LrScanResult& r, const QString& path) {
    nlohmann::json j;
    j["backend"] = "cpu";
    j["lr"] = r.lr;
    nlohmann::json loss = nlohmann::json::array();
    for (const float v : r.loss)
        loss.push_back(std::isfinite(v) ? nlohmann::json(static_cast<double>(v)) : nullptr);
    j["loss"] = loss;
    j["recommended"] = r.recommended;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    const std::string text = j.dump();
    return f.write(text.data(), static_cast<qint64>(text.size())) ==
           static_cast<qint64>(text.size());
}

}  // namespace

class TestLrScanDialog : public QObject {
    Q_OBJECT

    std::unique_ptr<gui::MainWindow> m_window;
    gui::MainWindow& window() { return *m_window; }
    model::Document& doc() { return *m_window->document(); }

    template <typename T>
    T* child(QObject* parent, const char* name) {
        auto* w = parent->findChild<T*>(QLatin1String(name));
        if (!w) qWarning("no widget %s", name);
        return w;
    }

    // The lesson opens with its spiral data and training settings.
    void openLesson() {
        QVERIFY(window().openPreset(kLesson));
        QVERIFY(doc().data() && doc().data()->size() > 0);
    }

    // Opens the dialog with the Training dock's "LR scan…" button.
    widgets::LrScanDialog* openDialog() {
        auto* button = child<QPushButton>(window().trainingPanel(), "lrScanButton");
        if (!button || !button->isEnabled()) return nullptr;
        QTest::mouseClick(button, Qt::LeftButton);
        widgets::LrScanDialog* dialog = window().lrScanDialog();
        if (!dialog || !QTest::qWaitForWindowExposed(dialog)) return nullptr;
        return dialog;
    }

    // Clicks Run and waits for the scan's end; the finished result.
    bool runToEnd(widgets::LrScanDialog* dialog) {
        QSignalSpy finished(dialog->job(), &model::LrScanJob::finished);
        QTest::mouseClick(child<QPushButton>(dialog, "lrScanRun"), Qt::LeftButton);
        if (!dialog->running()) return false;
        return finished.wait(30000) || finished.count() == 1;
    }

    void setText(QLineEdit* edit, const QString& text) {
        edit->selectAll();
        QTest::keyClicks(edit, text);
    }

    // The dialog set up for a scan of minutes: 2000 spiral points, each step on all of them,
    // 100000 small rates (no blow-up ends it early).
    widgets::LrScanDialog* longScanDialog() {
        if (!window().openPreset(kSpiral) ||
            !window().dataPanel()->generate(QStringLiteral("spiral"), 2000, 0.1, 1)) {
            return nullptr;
        }
        model::TrainingSettings s = doc().trainingSettings();
        s.batch = 2000;
        doc().setTrainingSettings(s);
        widgets::LrScanDialog* dialog = openDialog();
        if (!dialog) return nullptr;
        setText(child<QLineEdit>(dialog, "lrScanStop"), QStringLiteral("1e-5"));
        auto* steps = child<QSpinBox>(dialog, "lrScanSteps");
        steps->selectAll();
        QTest::keyClicks(steps, QStringLiteral("100000"));
        return steps->value() == 100000 ? dialog : nullptr;
    }

    void shot(QWidget* w, const QString& name) {
        // Screenshots for people, when asked for (NNLENS_SHOT_DIR); the rows never depend on it.
        const QString dir = qEnvironmentVariable("NNLENS_SHOT_DIR");
        if (dir.isEmpty()) return;
        w->grab().save(QDir(dir).filePath(name + ".png"));
    }

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void init() {
        m_window = test::makeTestWindow();
        QVERIFY(m_window);
    }
    void cleanup() { m_window.reset(); }

    void scanRunsToTheEndAndLeavesTheNetwork() {
        openLesson();
        const Network before = doc().network();
        const int undoSteps = doc().undoStack()->count();
        const bool modified = doc().isModified();
        widgets::LrScanDialog* dialog = openDialog();
        QVERIFY(dialog);
        QCOMPARE(child<QLineEdit>(dialog, "lrScanStart")->text(), QStringLiteral("1e-06"));
        QCOMPARE(child<QLineEdit>(dialog, "lrScanStop")->text(), QStringLiteral("1"));
        QCOMPARE(child<QSpinBox>(dialog, "lrScanSteps")->value(), 100);
        auto* run = child<QPushButton>(dialog, "lrScanRun");
        auto* cancel = child<QPushButton>(dialog, "lrScanCancel");
        QVERIFY(run->isEnabled());
        QVERIFY(!cancel->isEnabled());

        QSignalSpy finished(dialog->job(), &model::LrScanJob::finished);
        QSignalSpy progress(dialog->job(), &model::LrScanJob::progress);
        QTest::mouseClick(run, Qt::LeftButton);
        QVERIFY(dialog->running());
        QVERIFY(!run->isEnabled());
        QVERIFY(cancel->isEnabled());
        QVERIFY(finished.wait(30000) || finished.count() == 1);

        const LrScanResult& r = dialog->result();
        QVERIFY(!r.cancelled);
        QVERIFY(!r.loss.empty());
        QCOMPARE(progress.count(), static_cast<int>(r.loss.size()));
        QCOMPARE(progress.last().at(0).toInt(), static_cast<int>(r.loss.size()));
        QCOMPARE(progress.last().at(1).toInt(), 100);
        auto* bar = child<QProgressBar>(dialog, "lrScanProgress");
        QCOMPARE(bar->maximum(), 100);
        QCOMPARE(static_cast<int>(r.loss.size()), 100);  // this lesson's loss never blows up
        QCOMPARE(bar->value(), 100);
        QVERIFY(run->isEnabled());
        QVERIFY(!cancel->isEnabled());
        // The plot shows this result, and the line names the minimum and the recommended rate.
        const auto shown = dialog->plotView()->options().scan;
        QVERIFY(shown);
        QCOMPARE(shown->loss, r.loss);
        QCOMPARE(shown->lr, r.lr);
        QCOMPARE(shown->recommended, r.recommended);
        QVERIFY(r.recommended > 0.0);
        const QString summary = child<QLabel>(dialog, "lrScanSummary")->text();
        QVERIFY2(summary.contains(QString::fromStdString(text::formatNumber(r.recommended, 4))),
                 qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("Lowest loss")), qPrintable(summary));
        QVERIFY(distinctColours(dialog->plotView()->grab().toImage()) >= 8);
        shot(dialog, QStringLiteral("lr-scan-dialog"));
        shot(window().trainingPanel(), QStringLiteral("lr-scan-training-dock"));

        // The document is untouched: parameters bit for bit, no undo step, no modification.
        QVERIFY2(test::networkDifference(doc().network(), before).isEmpty(),
                 qPrintable(test::networkDifference(doc().network(), before)));
        QCOMPARE(doc().undoStack()->count(), undoSteps);
        QCOMPARE(doc().isModified(), modified);
    }

    void useThisRateSetsTheTrainingRate() {
        openLesson();
        widgets::LrScanDialog* dialog = openDialog();
        QVERIFY(dialog);
        auto* use = child<QPushButton>(dialog, "lrScanUse");
        QVERIFY(!use->isEnabled());  // nothing to use before a scan
        QVERIFY(runToEnd(dialog));
        const double recommended = dialog->result().recommended;
        QVERIFY(static_cast<float>(recommended) != doc().trainingSettings().lr);
        QVERIFY(use->isEnabled());
        QTest::mouseClick(use, Qt::LeftButton);
        QCOMPARE(doc().trainingSettings().lr, static_cast<float>(recommended));
        // The Training dock's box shows it (to its 6 decimals).
        auto* spin = child<QDoubleSpinBox>(window().trainingPanel(), "lrSpin");
        QVERIFY2(std::abs(spin->value() - recommended) <= 5e-7,
                 qPrintable(QString::number(spin->value())));
        QCOMPARE(spin->text(), spin->textFromValue(recommended));
    }

    // A scan's rate belongs to its network and data: opening another network makes it stale.
    void anotherNetworkMakesTheRateStale() {
        openLesson();
        widgets::LrScanDialog* dialog = openDialog();
        QVERIFY(dialog);
        QVERIFY(runToEnd(dialog));
        auto* use = child<QPushButton>(dialog, "lrScanUse");
        QVERIFY(use->isEnabled());
        QVERIFY(window().openPreset(":/presets/lesson-xor-2-4-1.nnlens.json"));
        QVERIFY(!use->isEnabled());
        QVERIFY2(dialog->messageText().contains("run it again"), qPrintable(dialog->messageText()));
        QVERIFY(runToEnd(dialog));
        QVERIFY(use->isEnabled());
    }

    void cancelStopsALongScanAndKeepsTheNetwork() {
        widgets::LrScanDialog* dialog = longScanDialog();
        QVERIFY(dialog);
        const Network before = doc().network();
        QSignalSpy finished(dialog->job(), &model::LrScanJob::finished);
        QTest::mouseClick(child<QPushButton>(dialog, "lrScanRun"), Qt::LeftButton);
        QVERIFY(dialog->running());
        auto* bar = child<QProgressBar>(dialog, "lrScanProgress");
        QTRY_VERIFY_WITH_TIMEOUT(bar->value() > 0, 20000);
        QTest::mouseClick(child<QPushButton>(dialog, "lrScanCancel"), Qt::LeftButton);
        QVERIFY(finished.wait(20000) || finished.count() == 1);
        QVERIFY(!dialog->running());
        const LrScanResult& r = dialog->result();
        QVERIFY(r.cancelled);
        QVERIFY(r.loss.size() < 100000u);
        QVERIFY2(dialog->messageText().contains(QStringLiteral("Cancelled")),
                 qPrintable(dialog->messageText()));
        QVERIFY(child<QPushButton>(dialog, "lrScanRun")->isEnabled());
        QVERIFY(!child<QPushButton>(dialog, "lrScanCancel")->isEnabled());
        QVERIFY2(test::networkDifference(doc().network(), before).isEmpty(),
                 qPrintable(test::networkDifference(doc().network(), before)));
    }

    void closingTheDialogCancelsTheScan() {
        widgets::LrScanDialog* dialog = longScanDialog();
        QVERIFY(dialog);
        QSignalSpy finished(dialog->job(), &model::LrScanJob::finished);
        QVERIFY(dialog->run());
        QVERIFY(dialog->close());
        QVERIFY(finished.wait(20000) || finished.count() == 1);
        QVERIFY(!dialog->running());
        QVERIFY(finished.first().at(0).value<LrScanResult>().cancelled);
    }

    void noDataGivesTheMessageAndDoesNotStart() {
        openLesson();
        widgets::LrScanDialog* dialog = openDialog();
        QVERIFY(dialog);
        // Another network without data, the dialog still open.
        QVERIFY(window().openPreset(kSpiral));
        QVERIFY(!doc().data() || doc().data()->size() == 0);
        QVERIFY(!child<QPushButton>(window().trainingPanel(), "lrScanButton")->isEnabled());
        QVERIFY(!child<QAction>(&window(), "lrScanAction")->isEnabled());
        const Network before = doc().network();
        const int undoSteps = doc().undoStack()->count();
        QSignalSpy progress(dialog->job(), &model::LrScanJob::progress);
        QTest::mouseClick(child<QPushButton>(dialog, "lrScanRun"), Qt::LeftButton);
        QVERIFY(!dialog->running());
        QVERIFY2(dialog->messageText().contains(QStringLiteral("No data")),
                 qPrintable(dialog->messageText()));
        QVERIFY(child<QLabel>(dialog, "lrScanMessage")->isVisible());
        shot(dialog, QStringLiteral("lr-scan-no-data"));
        QTest::qWait(50);
        QCOMPARE(progress.count(), 0);
        QVERIFY(!dialog->curve());
        QVERIFY2(test::networkDifference(doc().network(), before).isEmpty(),
                 qPrintable(test::networkDifference(doc().network(), before)));
        QCOMPARE(doc().undoStack()->count(), undoSteps);
    }

    void aLossThatDoesNotFitIsNamed() {
        openLesson();
        widgets::LrScanDialog* dialog = openDialog();
        QVERIFY(dialog);
        // Cross-entropy over one output: the lesson's labels 0 and 1 do not fit it.
        model::TrainingSettings s = doc().trainingSettings();
        s.loss = {Loss::Ce, Reduction::Mean};
        doc().setTrainingSettings(s);
        QVERIFY(!child<QPushButton>(window().trainingPanel(), "lrScanButton")->isEnabled());
        const int undoSteps = doc().undoStack()->count();
        QTest::mouseClick(child<QPushButton>(dialog, "lrScanRun"), Qt::LeftButton);
        QVERIFY(!dialog->running());
        QVERIFY2(dialog->messageText().startsWith(QStringLiteral("Cannot scan: the data: ")),
                 qPrintable(dialog->messageText()));
        QCOMPARE(doc().undoStack()->count(), undoSteps);
    }

    void badRatesAreNamed() {
        openLesson();
        widgets::LrScanDialog* dialog = openDialog();
        QVERIFY(dialog);
        setText(child<QLineEdit>(dialog, "lrScanStart"), QStringLiteral("0.5"));
        setText(child<QLineEdit>(dialog, "lrScanStop"), QStringLiteral("0.1"));
        QTest::mouseClick(child<QPushButton>(dialog, "lrScanRun"), Qt::LeftButton);
        QVERIFY(!dialog->running());
        QVERIFY2(dialog->messageText().startsWith(QStringLiteral("Stop rate")),
                 qPrintable(dialog->messageText()));
        setText(child<QLineEdit>(dialog, "lrScanStart"), QStringLiteral("abc"));
        QTest::mouseClick(child<QPushButton>(dialog, "lrScanRun"), Qt::LeftButton);
        QVERIFY(!dialog->running());
        QVERIFY2(dialog->messageText().startsWith(QStringLiteral("Start rate")),
                 qPrintable(dialog->messageText()));
    }

    void exportedPngEqualsCliRender() {
        openLesson();
        widgets::LrScanDialog* dialog = openDialog();
        QVERIFY(dialog);
        QVERIFY(runToEnd(dialog));
        QTest::mouseClick(child<QPushButton>(dialog, "lrScanExport"), Qt::LeftButton);
        widgets::ExportDialog* exporter = nullptr;
        QTRY_VERIFY((exporter = dialog->findChild<widgets::ExportDialog*>()) != nullptr);
        QCOMPARE(exporter->figure(), figures::FigureKind::LrScan);
        // The seed's figsize at the export's 150 dpi for slides.
        QCOMPARE(exporter->imageSize(), QSize(960, 720));
        auto* width = child<QSpinBox>(exporter, "exportWidth");
        width->selectAll();
        QTest::keyClicks(width, QStringLiteral("800"));
        QCOMPARE(exporter->imageSize(), QSize(800, 600));

        QTemporaryDir dir;
        const QString gui = dir.filePath(QStringLiteral("gui.png"));
        QString error;
        QVERIFY2(exporter->exportTo(gui, &error), qPrintable(error));
        const QImage a(gui);
        QCOMPARE(a.size(), QSize(800, 600));
        QVERIFY(distinctColours(a) >= 8);

        const QString scan = dir.filePath(QStringLiteral("scan.json"));
        const QString cli = dir.filePath(QStringLiteral("cli.png"));
        QVERIFY(writeScanJson(dialog->result(), scan));
        QProcess p;
        p.start(QStringLiteral(NNLENS_CLI_PATH),
                {QStringLiteral("render"),
                 QStringLiteral(NNLENS_SOURCE_DIR "/resources/presets/lesson-spiral-2-8-8-8-1"
                                                  ".nnlens.json"),
                 QStringLiteral("--figure"), QStringLiteral("lr-scan"), QStringLiteral("--scan"),
                 scan, QStringLiteral("-o"), cli, QStringLiteral("--width"), QStringLiteral("800"),
                 QStringLiteral("--height"), QStringLiteral("600"), QStringLiteral("--dpi"),
                 QStringLiteral("150"), QStringLiteral("--backend"), QStringLiteral("cpu")});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QImage b(cli);
        QCOMPARE(b.size(), a.size());
        QVERIFY2(
            a.convertToFormat(QImage::Format_ARGB32) == b.convertToFormat(QImage::Format_ARGB32),
            "the dialog's export and nnlens-cli render differ");
        exporter->close();
    }

    void startingAScanPausesTraining() {
        openLesson();
        QVERIFY(window().training()->play());
        QVERIFY(window().training()->running());
        widgets::LrScanDialog* dialog = openDialog();
        QVERIFY(dialog);
        QSignalSpy finished(dialog->job(), &model::LrScanJob::finished);
        QTest::mouseClick(child<QPushButton>(dialog, "lrScanRun"), Qt::LeftButton);
        QVERIFY(!window().training()->running());
        QVERIFY(dialog->running());
        QVERIFY(finished.wait(30000) || finished.count() == 1);
        QVERIFY(!window().training()->running());
    }

    void theMenuOpensTheDialog() {
        openLesson();
        auto* action = child<QAction>(&window(), "lrScanAction");
        QVERIFY(action && action->isEnabled());
        QCOMPARE(action->shortcut(), QKeySequence(QStringLiteral("Ctrl+L")));
        QTest::keyClick(&window(), Qt::Key_L, Qt::ControlModifier);
        QVERIFY(window().lrScanDialog());
        QTRY_VERIFY(window().lrScanDialog()->isVisible());
    }
};

QTEST_MAIN(TestLrScanDialog)
#include "tst_lr_scan_dialog.moc"
