// Inspection page helpers: a camera scan of a badge/certificate QR where the browser has BarcodeDetector
// (progressive enhancement: the text field works with a hardware scanner, which types the code and Enter),
// and the on-screen PIN keypad of the kiosk.
(function () {
  "use strict";
  var scanButton = document.getElementById("scan-camera");
  var field = document.getElementById("find-code");
  if (scanButton && field && "BarcodeDetector" in window && navigator.mediaDevices) {
    scanButton.hidden = false;
    scanButton.addEventListener("click", function () {
      var video = document.getElementById("scan-video");
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.hidden = false;
        video.srcObject = stream;
        video.play();
        var stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; };
        var look = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) { stop(); field.value = codes[0].rawValue; field.form.submit(); return; }
            requestAnimationFrame(look);
          }).catch(function () { requestAnimationFrame(look); });
        };
        look();
      }).catch(function () { scanButton.textContent = "无法打开摄像头"; });
    });
  }

  var pin = document.getElementById("pin");
  document.querySelectorAll(".keypad button[data-key]").forEach(function (b) {
    b.addEventListener("click", function () {
      var k = b.dataset.key;
      if (k === "back") pin.value = pin.value.slice(0, -1);
      else if (k === "clear") pin.value = "";
      else pin.value += k;
      pin.focus();
    });
  });
})();
