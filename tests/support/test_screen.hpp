// The offscreen screen a window test runs on: NNLENS_TEST_SCREEN ("1920x1080"; 1280x800 when
// unset) at 96 dpi, through the offscreen platform's config file. Call before QApplication.
#pragma once

#include <QFile>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace nnlens::test {

// Writes the screen's config into `dir` and points QT_QPA_PLATFORM at it; false when
// NNLENS_TEST_SCREEN is not WIDTHxHEIGHT or the file cannot be written.
inline bool useTestScreen(const QTemporaryDir& dir) {
    const QString size = qEnvironmentVariable("NNLENS_TEST_SCREEN", QStringLiteral("1280x800"));
    const QStringList wh = size.split(QLatin1Char('x'));
    const QString config = dir.filePath(QStringLiteral("screen.json"));
    QFile file(config);
    if (wh.size() != 2 || wh[0].toInt() <= 0 || wh[1].toInt() <= 0 ||
        !file.open(QIODevice::WriteOnly))
        return false;
    file.write(QStringLiteral("{\"screens\": [{\"name\": \"screen\", \"x\": 0, \"y\": 0, "
                              "\"width\": %1, \"height\": %2, \"logicalDpi\": 96}]}")
                   .arg(wh[0].toInt())
                   .arg(wh[1].toInt())
                   .toUtf8());
    file.close();
    qputenv("QT_QPA_PLATFORM", ("offscreen:configfile=" + config).toLocal8Bit());
    return true;
}

}  // namespace nnlens::test
