// AnimationWriter: a run of same-size figure images written as an animated PNG (APNG), an
// animated GIF or a folder of numbered PNGs, frame by frame, atomically: a cancelled or failed
// export leaves no file behind.
#pragma once

#include <QImage>
#include <QSaveFile>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace nnlens::figures {

enum class AnimationFormat {
    Apng,         // one .png file: a valid PNG whose default image is frame 0
    Gif,          // one .gif file: 256 colours per frame, looping
    PngSequence,  // a folder of frame-0000.png, frame-0001.png, ...
};

// The frames to take from `count` timeline entries so that there are at most `maxFrames`
// (>= 2): every k-th entry from the first, and always the last.
std::vector<int> animationFrameIndices(int count, int maxFrames);

// The file name of frame `index` in a PNG sequence: "frame-0000.png".
QString sequenceFrameName(int index);

class AnimationWriter {
  public:
    AnimationWriter();
    ~AnimationWriter();  // an unfinished animation is discarded
    AnimationWriter(const AnimationWriter&) = delete;
    AnimationWriter& operator=(const AnimationWriter&) = delete;

    // Starts `frameCount` frames shown `delayMs` each (the last `lastDelayMs`, so the end state
    // stays on a slide a little longer) at `path` (the folder for a PNG sequence; made when
    // missing). False with a message naming the path when it cannot be written.
    bool open(const QString& path, AnimationFormat format, int frameCount, int delayMs,
              int lastDelayMs, QString* error);
    // The next frame; every frame has the first one's size. False with a message on failure
    // (the animation is then discarded).
    bool addFrame(const QImage& frame, QString* error);
    // Writes the end and commits the file(s); false with a message when frames are missing or
    // the disk refuses (nothing is left behind then).
    bool finish(QString* error);
    // Discards everything written so far.
    void cancel();

    int framesWritten() const { return m_written; }

  private:
    bool fail(const QString& message, QString* error);
    bool addApng(const QImage& frame, QString* error);
    bool addGif(const QImage& frame, QString* error);
    bool addSequence(const QImage& frame, QString* error);
    bool write(const QByteArray& bytes, QString* error);

    AnimationFormat m_format = AnimationFormat::Apng;
    QString m_path;
    int m_count = 0;
    int m_delayMs = 100;
    int m_lastDelayMs = 100;
    int m_written = 0;
    QSize m_size;
    bool m_open = false;
    std::unique_ptr<QSaveFile> m_file;  // APNG and GIF
    // APNG: the image format every frame is encoded in, the first frame's IHDR, the next
    // sequence number.
    QImage::Format m_pngFormat = QImage::Format_RGB32;
    QByteArray m_ihdr;
    quint32 m_sequence = 0;
    // PNG sequence: the files written so far, and whether open() made the folder.
    QStringList m_sequenceFiles;
    bool m_madeFolder = false;
};

}  // namespace nnlens::figures
