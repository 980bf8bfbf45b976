/**
 * Names for the parts of the generated contract (openapi.d.ts) that the web app and the widget read, so a
 * component writes `ApiResponse<'/api/v1/filings'>` instead of redeclaring the server's answer by hand.
 */
import type { paths } from './openapi.d.ts';

export type { paths } from './openapi.d.ts';
export type ApiPath = keyof paths;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Json<R> = R extends { content: { 'application/json': infer D } } ? D : never;

/** The JSON body of the success answer (200, 201 or 202) of `method path`. */
export type ApiResponse<P extends ApiPath, M extends Method = 'get'> =
  NonNullable<paths[P][M]> extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 201 | 202>]> : never;

/** The JSON request body of `method path`. */
export type ApiBody<P extends ApiPath, M extends Method = 'post'> =
  NonNullable<paths[P][M]> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
