/**
 * fontkit is pdfkit's own font parser (a dependency of pdfkit, same version); only `create` is
 * used, to parse the CJK font once and hand the parsed font to every document.
 */
declare module 'fontkit' {
  export interface Font {
    postscriptName: string;
    layout(text: string): unknown;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
