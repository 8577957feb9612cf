// Loaded between require.js and embed-amd.js on pages with widgets (see _config.yml,
// nb_ipywidgets_js). embed-amd.js defines these modules itself; telling require.js that they live
// next to it makes webpack's public path, and with it the widget fonts, resolve to this folder on
// every page, however deep, instead of to the page's own folder.
(function () {
  var script = document.currentScript;
  if (!script || !window.requirejs) {
    return;
  }
  var folder = script.src.replace(/[^/]*$/, "");
  var paths = {};
  // Webpack takes its public path from the folder of each module's URL, so every module name,
  // including the nested "@jupyter-widgets/html-manager/dist/libembed-amd" (the one that loads
  // the fonts), must map to a file in this folder.
  [
    "@jupyter-widgets/base",
    "@jupyter-widgets/controls",
    "@jupyter-widgets/html-manager",
    "@jupyter-widgets/html-manager/dist/libembed-amd",
  ].forEach(function (name) {
    paths[name] = folder + "embed-amd";
  });
  window.requirejs.config({ paths: paths });
})();
