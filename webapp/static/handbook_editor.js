// Live preview of a handbook section: the server renders the Markdown with the project's safe renderer.
(function () {
  var body = document.getElementById("body");
  var preview = document.getElementById("preview");
  if (!body || !preview) return;
  var token = document.querySelector('meta[name="csrf-token"]');
  var timer = null;
  var seq = 0;
  function render() {
    var mine = ++seq;
    fetch(body.dataset.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.content : "" },
      body: JSON.stringify({ body: body.value }),
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && mine === seq) preview.innerHTML = data.html; })
      .catch(function () {});
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(render, 300);
  });
})();
