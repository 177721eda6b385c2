/**
 * Barcodes as SVG markup (bwip-js): a string per code, so 500 slips stay 500 strings rather
 * than thousands of React elements. The markup is drawing only (no script), safe under the CSP.
 */
import bwipjs from 'bwip-js/browser';

/**
 * Code 128 with the text under it. `height` is in bwip-js millimetres before the print CSS
 * scales the drawing to the slip's width: a request id (36 characters) is long, so it is drawn
 * taller to print about 15 mm high, what a desk scanner wants.
 */
export function code128Svg(text: string, height = 12): string {
  return bwipjs.toSVG({ bcid: 'code128', text, scale: 2, height, includetext: true, textxalign: 'center' });
}

export function qrSvg(text: string): string {
  return bwipjs.toSVG({ bcid: 'qrcode', text, scale: 2 });
}
