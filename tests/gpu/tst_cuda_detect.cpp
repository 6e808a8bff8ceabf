// Device detection runs on every machine: no driver (35) or no device (100) reads as 0 devices.
#include <QProcess>
#include <QTest>

#include "gpu/cuda_backend.hpp"

class TestCudaDetect : public QObject {
    Q_OBJECT

  private slots:
    void deviceQuery() {
        const nnlens::CudaDeviceQuery q = nnlens::queryCudaDevices();
        if (qEnvironmentVariableIsSet("NNLENS_DETECT_CHILD")) QCOMPARE(q.count, 0);
        if (q.count == 0) {
            QVERIFY2(q.error != 0, "0 devices but no error");
            QVERIFY(!q.message.empty());
        } else {
            QCOMPARE(q.error, 0);
            QVERIFY(!q.name.empty());
        }
        // Asking twice gives the same answer (the failed call leaves no sticky error behind).
        QCOMPARE(nnlens::queryCudaDevices().count, q.count);
    }

    void hiddenDevicesReadAsNone() {
        // With CUDA_VISIBLE_DEVICES empty the runtime reports no device; checked in a child
        // process because the runtime reads the variable once per process.
        if (qEnvironmentVariableIsSet("NNLENS_DETECT_CHILD")) return;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("CUDA_VISIBLE_DEVICES", "");
        env.insert("NNLENS_DETECT_CHILD", "1");
        p.setProcessEnvironment(env);
        p.start(QCoreApplication::applicationFilePath(), {"deviceQuery"});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCudaDetect)
#include "tst_cuda_detect.moc"
