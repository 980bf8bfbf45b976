import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { releaseStream, trackStream } from './wipe.ts';

/** Photographs a document with the kiosk camera; each photo becomes a JPEG attachment. */
export function CameraCapture({ onCapture }: { onCapture: (file: File) => void }) {
  const { t } = useTranslation('kiosk');
  const videoRef = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState('');
  const [count, setCount] = useState(0);
  useEffect(
    () => () => {
      if (stream) releaseStream(stream);
    },
    [stream],
  );
  const start = async () => {
    setError('');
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1920 } }, audio: false });
      trackStream(s);
      setStream(s);
      if (videoRef.current) {
        videoRef.current.srcObject = s;
        await videoRef.current.play().catch(() => undefined);
      }
    } catch {
      setError(t('camera.unavailable'));
    }
  };
  const stop = () => {
    if (stream) releaseStream(stream);
    setStream(null);
  };
  const take = () => {
    const video = videoRef.current;
    if (!video || !video.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')?.drawImage(video, 0, 0);
    canvas.toBlob(
      (blob) => {
        if (!blob) return;
        const n = count + 1;
        setCount(n);
        onCapture(new File([blob], `document-${n}.jpg`, { type: 'image/jpeg' }));
      },
      'image/jpeg',
      0.85,
    );
  };
  return (
    <div className="camera">
      <video ref={videoRef} className="camera__video" playsInline muted hidden={!stream} aria-label={t('camera.preview')} />
      {error ? (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      ) : null}
      <p role="status">{count ? t('camera.taken', { count }) : ''}</p>
      <div className="button-row">
        {stream ? (
          <>
            <button type="button" className="button" onClick={take}>
              {t('camera.take')}
            </button>
            <button type="button" className="button button--secondary" onClick={stop}>
              {t('camera.stop')}
            </button>
          </>
        ) : (
          <button type="button" className="button" onClick={() => void start()}>
            {t('camera.start')}
          </button>
        )}
      </div>
    </div>
  );
}
