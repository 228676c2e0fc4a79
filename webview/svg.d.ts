/** SVG files imported by the webview are bundled as their text (scripts/build.mjs: loader `.svg: text`). */
declare module '*.svg' {
  const text: string;
  export default text;
}
