// Wide tables scroll sideways inside their own box on narrow screens instead of crushing their columns;
// one menu of the bar open at a time, closed by a tap elsewhere.
document.querySelectorAll("main table").forEach(function (t) {
  if (t.parentElement.classList.contains("table-scroll")) return;
  var box = document.createElement("div");
  box.className = "table-scroll";
  t.parentNode.insertBefore(box, t);
  box.appendChild(t);
});
document.addEventListener("click", function (e) {
  document.querySelectorAll("details.navgroup[open]").forEach(function (d) {
    if (!d.contains(e.target)) d.removeAttribute("open");
  });
});
