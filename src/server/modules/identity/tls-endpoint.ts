/**
 * The HTTPS endpoint that asks the browser for a citizen certificate (DNIe, FNMT), on its own port
 * (TLS_PORT) so the main site never shows a certificate prompt. It serves the same app (same routes,
 * same hooks); `GET /api/v1/auth/x509` there reads the peer certificate from the TLS socket.
 * rejectUnauthorized is off on purpose: the route checks the chain itself and answers a translated error
 * instead of a TLS alert the citizen cannot read.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { loadOrCreateDemoServerCertificate } from './pki.ts';
import { trustedBundlePem, type TrustConfig } from './trust.ts';

export type TlsConfig = TrustConfig & Pick<Config, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'>;

export function createTlsEndpoint(app: FastifyInstance, config: TlsConfig): Server {
  const serverKc =
    config.TLS_CERT_FILE && config.TLS_KEY_FILE
      ? { certPem: readFileSync(config.TLS_CERT_FILE, 'utf8'), keyPem: readFileSync(config.TLS_KEY_FILE, 'utf8') }
      : loadOrCreateDemoServerCertificate(config.dataDir);
  const ca = trustedBundlePem(config);
  return createServer(
    {
      key: serverKc.keyPem,
      cert: serverKc.certPem,
      requestCert: true,
      rejectUnauthorized: false,
      ...(ca ? { ca } : {}),
      minVersion: 'TLSv1.2',
    },
    (req, res) => app.routing(req, res),
  );
}
