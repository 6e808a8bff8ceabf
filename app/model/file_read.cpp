// Resources through QFile, files on disk through core's bounded reader.
#include "file_read.hpp"

#include <QFile>

#include "core/error.hpp"
#include "core/file_io.hpp"

namespace nnlens::model {

std::string readWindowFile(const QString& path, std::int64_t maxBytes, std::string_view what) {
    if (path.startsWith(QLatin1Char(':'))) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            throw InputError("cannot open (" + file.errorString().toStdString() + ")");
        }
        if (file.size() > maxBytes) {
            throw InputError("larger than the " + byteSize(maxBytes) + " " + std::string(what) +
                             " can need");
        }
        const QByteArray bytes = file.readAll();
        return std::string(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    }
    const std::string local = QFile::encodeName(path).toStdString();
    try {
        return readFile(local, maxBytes, what);
    } catch (const InputError& e) {
        // core names the path first; the window names the file itself.
        std::string message = e.what();
        const std::string prefix = local + ": ";
        if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
        throw InputError(message);
    }
}

}  // namespace nnlens::model
