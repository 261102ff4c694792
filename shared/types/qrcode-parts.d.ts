// Types for the two qrcode modules used directly (the package types only its default entry).
declare module 'qrcode/lib/core/qrcode.js' {
  export function create(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): unknown;
}
declare module 'qrcode/lib/renderer/svg-tag.js' {
  export function render(qrData: unknown, options?: { margin?: number; width?: number }): string;
}
