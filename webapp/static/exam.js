// The exam page: questions come from the API; every answer is saved as it is given (PUT), kept in
// localStorage until the server acknowledges it, retried when the network fails. The deadline is the
// server's: the countdown runs on the server clock (offset measured at load).
(function () {
  "use strict";
  var root = document.getElementById("exam");
  if (!root) return;
  var api = root.dataset.api;
  var resultUrl = root.dataset.result;
  var practice = root.dataset.kind === "practice";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var storeKey = "qb-pending-" + root.dataset.attempt;
  var LABELS = "ABCDEFGH";
  var TYPE_NAMES = { single: "单选题", multiple: "多选题", truefalse: "判断题" };

  var attempt = null, answers = {}, checked = {}, current = 0, offset = 0, finished = false;
  var pending = loadPending(), flushing = null, retryTimer = null;  // flushing: the queue draining now

  function $(id) { return document.getElementById(id); }

  function loadPending() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function storePending() {
    try { localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* private mode: memory only */ }
  }

  function request(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  }

  function setSaveState(text, failed) {
    var el = $("save-state");
    el.textContent = text;
    el.classList.toggle("failed", !!failed);
    $("save-warning").hidden = !failed;
  }

  // --- saving ---------------------------------------------------------------------------------------
  // Resolves once the queue has drained (or a save failed and a retry is scheduled); a caller arriving
  // while it drains (submit at the deadline) waits for that same drain rather than overtaking it.
  function flush() {
    if (finished) return Promise.resolve();
    if (flushing) return flushing;
    var ids = Object.keys(pending);
    if (!ids.length) { setSaveState("已保存", false); return Promise.resolve(); }
    setSaveState("保存中…", false);
    var qid = ids[0], choices = pending[qid];
    flushing = request("PUT", api + "/responses/" + encodeURIComponent(qid), { choices: choices })
      .then(function (r) {
        flushing = null;
        if (r.status === 204) {
          if (JSON.stringify(pending[qid]) === JSON.stringify(choices)) delete pending[qid];
          storePending();
          return flush();
        }
        if (r.status === 409) { delete pending[qid]; storePending(); return goToResult(); }
        if (r.status === 401) { setSaveState("登录已失效", true); return; }
        if (r.status >= 400 && r.status < 500) { delete pending[qid]; storePending(); return flush(); }
        throw new Error("HTTP " + r.status);
      })
      .catch(function () {
        flushing = null;
        setSaveState("未保存", true);
        clearTimeout(retryTimer);
        retryTimer = setTimeout(flush, 3000);
      });
    return flushing;
  }

  function choose(qid, choices) {
    answers[qid] = choices;
    pending[qid] = choices;
    storePending();
    renderNavigator();
    if (!practice) flush();
  }

  // --- rendering ------------------------------------------------------------------------------------
  function renderQuestion() {
    var q = attempt.questions[current];
    var box = $("question");
    box.innerHTML = "";
    var head = document.createElement("p");
    head.className = "qtype";
    head.textContent = (current + 1) + " / " + attempt.questions.length + " · " + TYPE_NAMES[q.type] +
      (q.type === "multiple" ? "（可多选）" : "");
    var stem = document.createElement("p");
    stem.className = "stem";
    stem.textContent = q.stem;
    var list = document.createElement("ul");
    list.className = "options";
    var chosen = answers[q.id] || [];
    var feedback = checked[q.id];
    q.options.forEach(function (text, i) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "option";
      b.setAttribute("aria-pressed", chosen.indexOf(i) >= 0 ? "true" : "false");
      var label = document.createElement("span");
      label.className = "label";
      label.textContent = LABELS.charAt(i);
      var span = document.createElement("span");
      span.textContent = text;
      b.appendChild(label);
      b.appendChild(span);
      if (feedback) {
        b.disabled = true;
        if (feedback.answer.indexOf(i) >= 0) b.classList.add("correct");
        else if (chosen.indexOf(i) >= 0) b.classList.add("wrong");
      }
      b.addEventListener("click", function () { toggle(q, i); });
      li.appendChild(b);
      list.appendChild(li);
    });
    box.appendChild(head);
    box.appendChild(stem);
    box.appendChild(list);
    $("prev").disabled = current === 0;
    $("next").disabled = current === attempt.questions.length - 1;
    $("check").hidden = !practice || !!feedback;
    $("check").disabled = !(answers[q.id] && answers[q.id].length);
    renderFeedback(q);
    renderNavigator();
  }

  function renderFeedback(q) {
    var el = $("feedback");
    var f = checked[q.id];
    if (!f) { el.hidden = true; el.innerHTML = ""; return; }
    el.hidden = false;
    el.className = "feedback " + (f.correct ? "ok" : "bad");
    el.innerHTML = "";
    var verdict = document.createElement("p");
    verdict.innerHTML = "<strong></strong>";
    verdict.firstChild.textContent = f.correct ? "回答正确" : "回答错误，正确答案：" +
      f.answer.map(function (i) { return LABELS.charAt(i); }).join("");
    el.appendChild(verdict);
    if (f.explanation) {
      var p = document.createElement("p");
      p.textContent = "解析：" + f.explanation;
      el.appendChild(p);
    }
    if (f.section_url) {
      var a = document.createElement("a");
      a.href = f.section_url;
      a.className = "touch-link";
      a.textContent = "查看手册章节 →";
      el.appendChild(a);
    }
  }

  function toggle(q, i) {
    if (finished || checked[q.id]) return;
    var chosen = (answers[q.id] || []).slice();
    if (q.type === "multiple") {
      var at = chosen.indexOf(i);
      if (at >= 0) chosen.splice(at, 1); else chosen.push(i);
      chosen.sort();
    } else {
      chosen = [i];
    }
    choose(q.id, chosen);
    renderQuestion();
  }

  function answeredCount() {
    return attempt.questions.filter(function (q) { return (answers[q.id] || []).length > 0; }).length;
  }

  function renderNavigator() {
    var grid = $("navigator");
    grid.innerHTML = "";
    attempt.questions.forEach(function (q, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = String(i + 1);
      if ((answers[q.id] || []).length) b.classList.add("answered");
      if (i === current) { b.classList.add("current"); b.setAttribute("aria-current", "true"); }
      b.addEventListener("click", function () { current = i; renderQuestion(); });
      grid.appendChild(b);
    });
    var done = answeredCount();
    var bar = $("progress");
    bar.firstElementChild.style.width = (100 * done / attempt.questions.length) + "%";
    bar.setAttribute("aria-valuenow", String(done));
    bar.setAttribute("aria-valuemax", String(attempt.questions.length));
    bar.title = "已答 " + done + " / " + attempt.questions.length;
  }

  // --- time -----------------------------------------------------------------------------------------
  function tick() {
    if (!attempt.deadline || finished) return;
    var left = Math.max(0, Date.parse(attempt.deadline) - (Date.now() + offset));
    var s = Math.floor(left / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var text = (h ? h + ":" : "") + (m < 10 && h ? "0" : "") + m + ":" + (sec < 10 ? "0" : "") + sec;
    var el = $("timer");
    el.textContent = "剩余 " + text;
    el.classList.toggle("low", s < 300);
    if (left <= 0) { submit(true); return; }
    setTimeout(tick, 500);
  }

  // --- submit ---------------------------------------------------------------------------------------
  function goToResult() {
    finished = true;
    try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
    window.location.href = resultUrl;
  }

  function submit(auto) {
    if (finished) return;
    var send = function () {
      return request("POST", api + "/submit").then(function (r) {
        if (r.ok || r.status === 409) return goToResult();
        throw new Error("HTTP " + r.status);
      }).catch(function () {
        setSaveState("交卷失败，重试中", true);
        setTimeout(function () { submit(auto); }, 3000);
      });
    };
    // Answers still queued go first; at the deadline the server grades what it has.
    return flush().then(function () {
      if (Object.keys(pending).length && !auto) { setSaveState("答案尚未保存，请检查网络", true); return; }
      return send();
    });
  }

  function confirmSubmit() {
    var left = attempt.questions.length - answeredCount();
    var ask = practice ? "确定结束练习吗？" : "确定交卷吗？交卷后不能再修改。";
    $("confirm-text").textContent = (left > 0 ? "还有 " + left + " 题未作答。" : "全部题目已作答。") + ask;
    $("confirm-yes").textContent = practice ? "结束练习" : "确定交卷";
    var dialog = $("confirm");
    if (dialog.showModal) dialog.showModal(); else if (window.confirm($("confirm-text").textContent)) submit(false);
  }

  function check() {
    var q = attempt.questions[current];
    var choices = answers[q.id] || [];
    if (!choices.length) return;
    request("POST", api + "/responses/" + encodeURIComponent(q.id) + "/check", { choices: choices })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (f) { delete pending[q.id]; storePending(); checked[q.id] = f; renderQuestion(); })
      .catch(function () { setSaveState("网络异常，请重试", true); });
  }

  // --- start ----------------------------------------------------------------------------------------
  $("prev").addEventListener("click", function () { if (current > 0) { current--; renderQuestion(); } });
  $("next").addEventListener("click", function () {
    if (current < attempt.questions.length - 1) { current++; renderQuestion(); }
  });
  $("check").addEventListener("click", check);
  $("submit").addEventListener("click", confirmSubmit);
  $("confirm-no").addEventListener("click", function () { $("confirm").close(); });
  $("confirm-yes").addEventListener("click", function () { $("confirm").close(); submit(false); });
  window.addEventListener("online", flush);

  var t0 = Date.now();
  request("GET", api).then(function (r) {
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r.json();
  }).then(function (data) {
    if (data.submitted) return goToResult();
    attempt = data;
    offset = Date.parse(data.server_now) - (t0 + Date.now()) / 2;
    answers = data.responses || {};
    Object.keys(pending).forEach(function (qid) { answers[qid] = pending[qid]; });  // given later than saved
    var firstOpen = attempt.questions.findIndex(function (q) { return !(answers[q.id] || []).length; });
    current = firstOpen >= 0 ? firstOpen : 0;
    renderQuestion();
    setSaveState(Object.keys(pending).length ? "待保存" : "已保存", false);
    if (!practice) flush();
    tick();
  }).catch(function () {
    $("question").innerHTML = '<p class="alert">试题加载失败，请检查网络后刷新页面。</p>';
  });
})();
