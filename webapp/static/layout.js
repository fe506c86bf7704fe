// Wide tables scroll sideways inside their own box on narrow screens instead of crushing their columns;
// one menu of the bar open at a time, closed by a tap elsewhere.
document.querySelectorAll("main table").forEach(function (t) {
  if (t.parentElement.classList.contains("table-scroll")) return;
  var box = document.createElement("div");
  box.className = "table-scroll";
  t.parentNode.insertBefore(box, t);
  box.appendChild(t);
});
// A table that still does not fit says so: a line above it and a shadow at its hidden edge.
function markOverflow() {
  document.querySelectorAll("main .table-scroll").forEach(function (box) {
    var over = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("overflows", over);
    var cue = box.previousElementSibling;
    if (!cue || !cue.classList.contains("scroll-cue")) {
      if (!over) return;
      cue = document.createElement("p");
      cue.className = "scroll-cue";
      cue.textContent = "← 表格较宽，可左右滑动查看其余列 →";
      box.parentNode.insertBefore(cue, box);
    }
    cue.hidden = !over;
  });
}
markOverflow();
window.addEventListener("resize", markOverflow);
document.addEventListener("click", function (e) {
  document.querySelectorAll("details.navgroup[open]").forEach(function (d) {
    if (!d.contains(e.target)) d.removeAttribute("open");
  });
});
