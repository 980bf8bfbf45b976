import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefundRefusedError } from './payment-gateway.ts';
import { RedsysGateway, redsysOrderKey, redsysRestUrl, redsysSignature, REDSYS_URLS } from './redsys.gateway.ts';

/**
 * Redsys's public test merchant key, and vectors published with the redsys-pos npm package's test suite
 * (request parameters and a real notification from the Redsys test environment). They are fixed strings: a change
 * to key derivation, HMAC input or base64 handling makes these tests fail.
 */
const TEST_KEY = 'sq7HjrUOBfKmC576ILgskD5srU870gJ7';

const REQUEST_PARAMS =
  'eyJEU19NRVJDSEFOVF9BTU9VTlQiOiIxMDAwIiwiRFNfTUVSQ0hBTlRfT1JERVIiOiIxMjM0NTY3OCIsIkRTX01FUkNIQU5UX01FUkNIQU5UTkFNRSI6IlNQRUMgU0hPUCIsIkRTX01FUkNIQU5UX01FUkNIQU5UQ09ERSI6IjMyNzIzNDY4OCIsIkRTX01FUkNIQU5UX0NVUlJFTkNZIjoiOTc4IiwiRFNfTUVSQ0hBTlRfVFJBTlNBQ1RJT05UWVBFIjoiMCIsIkRTX01FUkNIQU5UX1RFUk1JTkFMIjoiMSIsIkRTX01FUkNIQU5UX01FUkNIQU5UVVJMIjoiaHR0cDovL3d3dy5zcGVjLXNob3AuY29tLyIsIkRTX01FUkNIQU5UX1VSTE9LIjoiaHR0cDovL3d3dy5zcGVjLXNob3Avc3VjY2VzcyIsIkRTX01FUkNIQU5UX1VSTEtPIjoiaHR0cDovL3d3dy5zcGVjLXNob3AvZXJyb3IifQ==';

const NOTIFICATION = {
  Ds_SignatureVersion: 'HMAC_SHA256_V1',
  Ds_MerchantParameters:
    'eyJEc19EYXRlIjoiMjglMkYwNSUyRjIwMTgiLCJEc19Ib3VyIjoiMTAlM0E0NCIsIkRzX1NlY3VyZVBheW1lbnQiOiIxIiwiRHNfQW1vdW50IjoiNjcwMCIsIkRzX0N1cnJlbmN5IjoiOTc4IiwiRHNfT3JkZXIiOiIwMDAwRkI5QTE3MiIsIkRzX01lcmNoYW50Q29kZSI6IjMzNjcwNDY1NSIsIkRzX1Rlcm1pbmFsIjoiMDAxIiwiRHNfUmVzcG9uc2UiOiIwMDAwIiwiRHNfVHJhbnNhY3Rpb25UeXBlIjoiMCIsIkRzX01lcmNoYW50RGF0YSI6IiIsIkRzX0F1dGhvcmlzYXRpb25Db2RlIjoiMjE4MDQ4IiwiRHNfQ29uc3VtZXJMYW5ndWFnZSI6IjEiLCJEc19DYXJkX0NvdW50cnkiOiI3MjQiLCJEc19DYXJkX0JyYW5kIjoiMSJ9',
  // URL-safe base64, as Redsys sends notification signatures.
  Ds_Signature: '3Fg6oB4URw8ykL-hkvdYPW4RKvT3ikz6qAv6WMHFH2I=',
};

describe('Redsys HMAC-SHA256 signatures', () => {
  it('derives the per-order 3DES keys of the published vectors', () => {
    expect(redsysOrderKey(TEST_KEY, '0').toString('base64')).toBe('Qyx5NZhbucY=');
    expect(redsysOrderKey(TEST_KEY, '1234567890').toString('base64')).toBe('ntVrJPxp2xlsetWVajPl0g==');
    expect(redsysOrderKey(TEST_KEY, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ').toString('base64')).toBe('zpFLv7NacMPOXx570s2BAdR9fZue1crKaHX2S/0/f/8=');
  });

  it('signs the published request parameters with the published signature', () => {
    expect(redsysSignature(TEST_KEY, '12345678', REQUEST_PARAMS)).toBe('OJHmZ7cVCM2YdKoFUWkSvK9suPLRvl3DPS840EgBW00=');
  });

  it('builds the same merchant parameters and signature as the published request', () => {
    const gw = new RedsysGateway({ merchantKey: TEST_KEY, merchantCode: '327234688', terminal: '1', url: REDSYS_URLS.test, merchantName: 'SPEC SHOP' });
    const fields = gw.merchantFields({
      orderId: '12345678',
      amountCents: 1000,
      description: 'x',
      urlOk: 'http://www.spec-shop/success',
      urlKo: 'http://www.spec-shop/error',
      notifyUrl: 'http://www.spec-shop.com/',
    });
    const params = JSON.parse(Buffer.from(fields.Ds_MerchantParameters ?? '', 'base64').toString('utf8')) as Record<string, string>;
    expect(params).toMatchObject({ DS_MERCHANT_AMOUNT: '1000', DS_MERCHANT_ORDER: '12345678', DS_MERCHANT_MERCHANTCODE: '327234688', DS_MERCHANT_CURRENCY: '978', DS_MERCHANT_TRANSACTIONTYPE: '0', DS_MERCHANT_TERMINAL: '1' });
    expect(fields.Ds_SignatureVersion).toBe('HMAC_SHA256_V1');
    expect(fields.Ds_Signature).toBe(redsysSignature(TEST_KEY, '12345678', fields.Ds_MerchantParameters ?? ''));
    expect(gw.createPayment({ orderId: '12345678', amountCents: 1000, description: 'x', urlOk: 'a', urlKo: 'b', notifyUrl: 'c' }).redirectForm).toMatchObject({ url: REDSYS_URLS.test, method: 'POST' });
  });

  it("asks for the payment page in the citizen's language: Valencian is 010 (not Catalan, 003), Spanish 001, English 002", () => {
    const gw = new RedsysGateway({ merchantKey: TEST_KEY, merchantCode: '327234688', terminal: '1', url: REDSYS_URLS.test });
    const languageOf = (language: 'es' | 'ca' | 'en') => {
      const fields = gw.merchantFields({ orderId: '12345678', amountCents: 1000, description: 'x', urlOk: 'a', urlKo: 'b', notifyUrl: 'c', language });
      return (JSON.parse(Buffer.from(fields.Ds_MerchantParameters ?? '', 'base64').toString('utf8')) as Record<string, string>).DS_MERCHANT_CONSUMERLANGUAGE;
    };
    expect([languageOf('ca'), languageOf('es'), languageOf('en')]).toEqual(['010', '001', '002']);
  });
});

describe('Redsys notifications', () => {
  const gw = new RedsysGateway({ merchantKey: TEST_KEY, merchantCode: '336704655', terminal: '1', url: REDSYS_URLS.test });

  it('accepts the published notification with its URL-safe signature and reads order, amount and authorisation', () => {
    const n = gw.verifyNotification(NOTIFICATION);
    expect(n).toMatchObject({ orderId: '0000FB9A172', isAuthorised: true, amountCents: 6700, responseCode: '0000', authorisationCode: '218048' });
  });

  it('accepts the same signature in standard base64', () => {
    const standard = NOTIFICATION.Ds_Signature.replace(/-/g, '+').replace(/_/g, '/');
    expect(gw.verifyNotification({ ...NOTIFICATION, Ds_Signature: standard }).orderId).toBe('0000FB9A172');
  });

  it('rejects a notification whose parameters were altered', () => {
    const decoded = JSON.parse(Buffer.from(NOTIFICATION.Ds_MerchantParameters, 'base64').toString('utf8')) as Record<string, string>;
    const forged = Buffer.from(JSON.stringify({ ...decoded, Ds_Amount: '1' })).toString('base64');
    expect(() => gw.verifyNotification({ ...NOTIFICATION, Ds_MerchantParameters: forged })).toThrow(expect.objectContaining({ code: 'gateway.invalid_notification' }));
  });

  it('rejects wrong, empty and missing signatures and another merchant key', () => {
    for (const sig of ['', '00000', '12345==', 'O9aFvML5qK8VBQhV4GK8kFHvmAQaSnX1hfckr7abzIs=']) {
      expect(() => gw.verifyNotification({ ...NOTIFICATION, Ds_Signature: sig })).toThrow(expect.objectContaining({ status: 400 }));
    }
    expect(() => gw.verifyNotification({ Ds_MerchantParameters: NOTIFICATION.Ds_MerchantParameters })).toThrow();
    expect(() => gw.verifyNotification('nonsense')).toThrow();
    const other = new RedsysGateway({ merchantKey: Buffer.alloc(24, 7).toString('base64'), merchantCode: '336704655', terminal: '1', url: REDSYS_URLS.test });
    expect(() => other.verifyNotification(NOTIFICATION)).toThrow(expect.objectContaining({ code: 'gateway.invalid_notification' }));
  });

  it('treats a refused operation as not authorised', () => {
    const params = Buffer.from(JSON.stringify({ Ds_Order: '1234ABC', Ds_Amount: '500', Ds_Response: '0190', Ds_MerchantCode: '336704655' })).toString('base64');
    const n = gw.verifyNotification({ Ds_SignatureVersion: 'HMAC_SHA256_V1', Ds_MerchantParameters: params, Ds_Signature: redsysSignature(TEST_KEY, '1234ABC', params) });
    expect(n.isAuthorised).toBe(false);
    expect(n.amountCents).toBe(500);
  });

  it('refuses order numbers Redsys would refuse and amounts that are not positive whole cents', () => {
    const base = { description: 'x', urlOk: 'a', urlKo: 'b', notifyUrl: 'c' };
    expect(() => gw.createPayment({ ...base, orderId: 'AB12', amountCents: 100 })).toThrow(expect.objectContaining({ code: 'gateway.invalid_order' }));
    expect(() => gw.createPayment({ ...base, orderId: '1234567890123', amountCents: 100 })).toThrow(expect.objectContaining({ code: 'gateway.invalid_order' }));
    expect(() => gw.createPayment({ ...base, orderId: '1234', amountCents: 12.5 })).toThrow(expect.objectContaining({ code: 'gateway.invalid_amount' }));
    expect(() => gw.createPayment({ ...base, orderId: '1234', amountCents: 0 })).toThrow(expect.objectContaining({ code: 'gateway.invalid_amount' }));
  });
});

describe('Redsys refunds (HIGH-1)', () => {
  let server: import('node:http').Server;
  let url = '';
  const requests: Record<string, string>[] = [];
  // What the fake Redsys REST service answers next.
  let answer: (params: Record<string, string>) => { status: number; body: unknown } = () => ({ status: 200, body: {} });
  const signedAnswer = (params: Record<string, string>, key = TEST_KEY) => {
    const p = Buffer.from(JSON.stringify(params), 'utf8').toString('base64');
    return { Ds_SignatureVersion: 'HMAC_SHA256_V1', Ds_MerchantParameters: p, Ds_Signature: redsysSignature(key, params.Ds_Order ?? '', p) };
  };

  beforeAll(async () => {
    const { createServer } = await import('node:http');
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as Record<string, string>;
        requests.push(body);
        const params = JSON.parse(Buffer.from(body.Ds_MerchantParameters ?? '', 'base64').toString('utf8')) as Record<string, string>;
        const out = answer(params);
        res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sis/rest/trataPeticionREST`;
  });
  afterAll(() => void server.close());

  const gateway = () => new RedsysGateway({ merchantKey: TEST_KEY, merchantCode: '336704655', terminal: '1', url: REDSYS_URLS.test, restUrl: url, refunds: 'auto' });

  it('HIGH-1: refunds only when the council turns it on, at the REST address beside the form address', () => {
    expect(new RedsysGateway({ merchantKey: TEST_KEY, merchantCode: '336704655', terminal: '1', url: REDSYS_URLS.test }).refunds).toBe('manual');
    expect(redsysRestUrl(REDSYS_URLS.test)).toBe('https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST');
    expect(redsysRestUrl(REDSYS_URLS.production)).toBe('https://sis.redsys.es/sis/rest/trataPeticionREST');
    // A form address that is not Redsys's, and no REST address: nothing can be sent, so a person does it.
    expect(new RedsysGateway({ merchantKey: TEST_KEY, merchantCode: '336704655', terminal: '1', url: 'https://pay.example.org/form', refunds: 'auto' }).refunds).toBe('manual');
    expect(gateway().refunds).toBe('auto');
  });

  it('HIGH-1: sends Ds_Merchant_TransactionType 3 for the order and amount, signed with the order key, and accepts a signed 0900', async () => {
    answer = (p) => ({ status: 200, body: signedAnswer({ Ds_Order: p.DS_MERCHANT_ORDER ?? '', Ds_Amount: p.DS_MERCHANT_AMOUNT ?? '', Ds_Response: '0900', Ds_MerchantCode: '336704655', Ds_TransactionType: '3' }) });
    expect(await gateway().refund({ orderId: '1234ABCD', amountCents: 4550 })).toEqual({ response: '0900' });
    const sent = requests.at(-1) ?? {};
    const params = JSON.parse(Buffer.from(sent.Ds_MerchantParameters ?? '', 'base64').toString('utf8')) as Record<string, string>;
    expect(params).toEqual({ DS_MERCHANT_AMOUNT: '4550', DS_MERCHANT_ORDER: '1234ABCD', DS_MERCHANT_MERCHANTCODE: '336704655', DS_MERCHANT_CURRENCY: '978', DS_MERCHANT_TRANSACTIONTYPE: '3', DS_MERCHANT_TERMINAL: '1' });
    expect(sent.Ds_SignatureVersion).toBe('HMAC_SHA256_V1');
    expect(sent.Ds_Signature).toBe(redsysSignature(TEST_KEY, '1234ABCD', sent.Ds_MerchantParameters ?? ''));
  });

  it('HIGH-1: an error code or a refused or unsigned answer is a refusal for a person; an HTTP error is an outage to retry', async () => {
    answer = () => ({ status: 200, body: { errorCode: 'SIS0057' } });
    await expect(gateway().refund({ orderId: '1234ABCD', amountCents: 4550 })).rejects.toMatchObject({ isPermanent: true, response: 'SIS0057' });
    answer = (p) => ({ status: 200, body: signedAnswer({ Ds_Order: p.DS_MERCHANT_ORDER ?? '', Ds_Amount: '4550', Ds_Response: '0950', Ds_MerchantCode: '336704655' }) });
    await expect(gateway().refund({ orderId: '1234ABCD', amountCents: 4550 })).rejects.toBeInstanceOf(RefundRefusedError);
    // "0900" signed with another key: never trusted to close a case.
    answer = (p) => ({ status: 200, body: signedAnswer({ Ds_Order: p.DS_MERCHANT_ORDER ?? '', Ds_Amount: '4550', Ds_Response: '0900', Ds_MerchantCode: '336704655' }, Buffer.alloc(24, 9).toString('base64')) });
    await expect(gateway().refund({ orderId: '1234ABCD', amountCents: 4550 })).rejects.toMatchObject({ isPermanent: true, response: 'answer without a valid signature' });
    answer = () => ({ status: 503, body: {} });
    const outage = await gateway()
      .refund({ orderId: '1234ABCD', amountCents: 4550 })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(outage).toBeInstanceOf(Error);
    expect(outage).not.toBeInstanceOf(RefundRefusedError);
    expect((outage as Error).message).toBe('Redsys REST answered HTTP 503');
  });
});
