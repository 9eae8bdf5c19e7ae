// The switchboard chat page: one WebSocket to the server, JSON messages both ways (docs/web.md).
// Every piece of text a person sent is put on the page with textContent, never as HTML.
'use strict';

// ---- The protocol, spelled once on the page's side (the server's side is WebFormat.java) -------

const protocol = {
  /** Where the page opens its socket: this page's own server. */
  url() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/socket';
  },

  /** What the user typed, in the conversation it was typed in (a room, or a person). */
  line(text, conversation) {
    const message = { line: text };
    if (conversation && conversation.kind === 'room') {
      message.room = conversation.name;
    } else if (conversation && conversation.kind === 'private') {
      message.to = conversation.name;
    }
    return JSON.stringify(message);
  },

  /** The close code after /quit: the page does not reconnect by itself. */
  NORMAL_CLOSE: 1000,
};

// ---- What the page knows ---------------------------------------------------------------------

/** Names and rooms are the same ignoring the case of A to Z, as on the server (NameRules.key). */
function fold(name) {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function roomKey(name) {
  return '#' + fold(name);
}

function personKey(name) {
  return '@' + fold(name);
}

const MAX_KEPT = 500; // messages kept per conversation

const state = {
  me: null,
  chosenName: null, // the name the user chose with /nick, asked for again after a reconnect
  conversations: new Map(), // roomKey or personKey -> conversation
  current: null, // the key of the conversation shown
  focusNext: null, // the key of a room the user asked to join: shown once entered
  socket: null,
  arrived: false, // this socket has said who we are
  attempt: 0,
  reconnectAt: 0,
  reconnectTimer: null,
  countdown: null,
  quit: false,
  silentRooms: 0, // /rooms the page asked for itself: not shown as a reply
  lastReason: null, // why the server closed the socket, until the page is back
  everConnected: false,
};

function conversation(key, kind, name) {
  let c = state.conversations.get(key);
  if (!c) {
    c = { key, kind, name, messages: [], unread: 0, members: new Map(), count: 0, topic: '' };
    state.conversations.set(key, c);
  }
  return c;
}

function room(name) {
  return conversation(roomKey(name), 'room', name);
}

// ---- The socket ------------------------------------------------------------------------------

function connect() {
  clearTimeout(state.reconnectTimer);
  clearInterval(state.countdown);
  setStatus(state.everConnected ? 'reconnecting' : 'connecting');
  const socket = new WebSocket(protocol.url());
  state.socket = socket;
  state.arrived = false;
  socket.onopen = () => {
    state.attempt = 0;
    state.lastReason = null;
    const again = state.everConnected;
    state.everConnected = true;
    setStatus('connected');
    if (again) {
      showNotice('Reconnected.', false);
      setTimeout(() => {
        if (state.socket === socket && socket.readyState === WebSocket.OPEN) {
          hideNotice();
        }
      }, 4000);
    } else {
      hideNotice();
    }
  };
  socket.onmessage = (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (e) {
      return; // the server sends JSON only
    }
    const handle = handlers[message.type];
    if (handle) {
      handle(message);
    }
  };
  socket.onclose = (event) => {
    if (state.socket !== socket) {
      return;
    }
    state.socket = null;
    for (const c of state.conversations.values()) {
      c.members.clear();
    }
    renderMembers();
    if (state.quit && event.code === protocol.NORMAL_CLOSE) {
      setStatus('closed');
      showNotice('You left the chat.', true);
      return;
    }
    scheduleReconnect(event);
  };
}

/** After the server went away: try again after 1, 2, 4 ... 30 s (with jitter), saying so. */
function scheduleReconnect(event) {
  const base = Math.min(30000, 1000 * 2 ** state.attempt);
  const delay = Math.round(base * (0.5 + Math.random() / 2));
  state.attempt++;
  state.reconnectAt = Date.now() + delay;
  setStatus('reconnecting');
  // The server says why when it closes (a shutdown, a drop); a failed attempt after that says
  // nothing new, so the reason it gave stays on the notice until the page is back.
  if (event.reason) {
    state.lastReason = event.reason;
  }
  const why = state.lastReason || 'the connection to the server was lost';
  const tell = () => {
    const seconds = Math.max(0, Math.ceil((state.reconnectAt - Date.now()) / 1000));
    showNotice('Disconnected: ' + why + '. Reconnecting in ' + seconds + ' s\u2026', true);
  };
  tell();
  clearInterval(state.countdown);
  state.countdown = setInterval(tell, 1000);
  state.reconnectTimer = setTimeout(connect, delay);
}

function send(text) {
  const c = state.conversations.get(state.current);
  if (!state.socket || state.socket.readyState !== WebSocket.OPEN) {
    addLine(c, 'error', 'not connected: the line was not sent');
    return false;
  }
  state.socket.send(protocol.line(text, c));
  return true;
}

/** A command the page sends for itself (after a reconnect), not typed by the user. */
function sendQuietly(text) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) {
    state.socket.send(protocol.line(text, null));
  }
}

// ---- What the server says (one handler per "type") -------------------------------------------

const handlers = {
  you(m) {
    state.me = m.name;
    document.getElementById('me').textContent = m.name;
    if (!state.arrived) {
      state.arrived = true;
      arrived();
    } else {
      state.chosenName = m.name;
    }
  },

  entered(m) {
    const c = room(m.room);
    c.name = m.room;
    c.joined = true;
    c.count = m.count;
    c.members = new Map(m.members.map((o) => [fold(o.name), o]));
    c.topic = m.topic ? m.topic.text : '';
    addLine(c, 'notice', 'you joined #' + m.room + (m.members.length ? '' : ' (' + m.count + ' members)'));
    const shown = currentConversation();
    if (state.focusNext === c.key || !shown || shown.kind === 'none') {
      if (state.focusNext === c.key) {
        state.focusNext = null;
      }
      show(c.key);
    }
    renderSidebar();
    askForRooms();
  },

  said(m) {
    const c = room(m.room);
    const mine = state.me && fold(m.from) === fold(state.me);
    addMessage(c, m, mine);
  },

  whispered(m) {
    const mine = state.me && fold(m.from) === fold(state.me);
    const peer = mine ? m.to : m.from;
    const isNew = !state.conversations.has(personKey(peer));
    const c = conversation(personKey(peer), 'private', peer);
    addMessage(c, m, mine);
    if (mine && isNew) {
      show(c.key);
    }
    renderSidebar();
  },

  joined(m) {
    const c = room(m.room);
    c.members.set(fold(m.name), { name: m.name, op: false, voice: false });
    c.count++;
    addLine(c, 'notice', m.name + ' joined');
  },

  left(m) {
    const c = room(m.room);
    c.members.delete(fold(m.name));
    c.count = Math.max(0, c.count - 1);
    addLine(c, 'notice', m.name + ' ' + m.how + (m.reason ? ' (' + m.reason + ')' : ''));
  },

  renamed(m) {
    const c = room(m.room);
    const was = c.members.get(fold(m.from)) || { op: false, voice: false };
    c.members.delete(fold(m.from));
    c.members.set(fold(m.to), { name: m.to, op: was.op, voice: was.voice });
    addLine(c, 'notice', m.from + ' is now ' + m.to);
    const privateOne = state.conversations.get(personKey(m.from));
    if (privateOne && personKey(m.from) !== personKey(m.to)) {
      state.conversations.delete(privateOne.key);
      privateOne.key = personKey(m.to);
      privateOne.name = m.to;
      state.conversations.set(privateOne.key, privateOne);
      if (state.current === personKey(m.from)) {
        state.current = privateOne.key;
      }
    } else if (privateOne) {
      privateOne.name = m.to;
    }
    renderSidebar();
  },

  history(m) {
    const c = room(m.room);
    addLine(c, 'reply', 'history of #' + m.room + ': ' + m.messages.length + ' messages (the room keeps ' + m.kept + ')');
    for (const said of m.messages) {
      addMessage(c, said, false, 'history');
    }
  },

  kicked(m) {
    const c = room(m.room);
    const reason = m.reason ? ' (' + m.reason + ')' : '';
    if (state.me && fold(m.name) === fold(state.me)) {
      addLine(c, 'error', 'you were put out of #' + m.room + ' by ' + m.by + reason);
      leftRoom(c);
    } else {
      c.members.delete(fold(m.name));
      c.count = Math.max(0, c.count - 1);
      addLine(c, 'notice', m.name + ' was kicked by ' + m.by + reason);
    }
  },

  invited(m) {
    addLine(currentConversation(), 'reply', m.by + ' invites you to #' + m.room + '; /join ' + m.room);
  },

  topic(m) {
    const c = room(m.room);
    c.topic = m.text;
    addLine(c, 'notice', m.text ? m.by + ' set the topic: ' + m.text : m.by + ' cleared the topic');
  },

  changed(m) {
    const c = room(m.room);
    for (const change of m.changes) {
      const member = change.argument && c.members.get(fold(change.argument));
      if (member && change.setting === 'operator') {
        member.op = change.on;
      } else if (member && change.setting === 'voice') {
        member.voice = change.on;
      }
    }
    addLine(c, 'notice', m.by + ' ' + m.changes.map((change) => change.text).join(', '));
  },

  rooms(m) {
    const others = document.getElementById('others');
    others.replaceChildren();
    for (const r of m.rooms) {
      const c = state.conversations.get(roomKey(r.name));
      if (c && c.joined) {
        continue;
      }
      const item = sidebarItem(r.name, () => join(r.name));
      item.dataset.room = r.name;
      item.append(badge('count', String(r.members)));
      others.append(item);
    }
    if (state.silentRooms > 0) {
      state.silentRooms--;
    } else {
      addLine(currentConversation(), 'reply', 'rooms (' + m.rooms.length + '): ' + m.rooms.map((r) => '#' + r.name + ' ' + r.members).join(', '));
    }
  },

  members(m) {
    const c = room(m.room);
    if (c.joined) {
      c.members = new Map(m.members.map((o) => [fold(o.name), o]));
      c.count = m.members.length;
    }
    addLine(currentConversation(), 'reply', 'members of #' + m.room + ' (' + m.members.length + '): ' + m.members.map((o) => o.name).join(', '));
  },

  talking(m) {
    if (state.focusNext === roomKey(m.room)) {
      state.focusNext = null;
      show(roomKey(m.room));
    }
  },

  parted(m) {
    const c = state.conversations.get(roomKey(m.room));
    if (c) {
      leftRoom(c);
    }
    askForRooms();
  },

  reply(m) {
    addLine(currentConversation(), 'reply', m.text);
  },

  error(m) {
    addLine(currentConversation(), 'error', m.code + ': ' + m.text);
  },
};

/** A new socket said who we are: ask again for the name and the rooms we had before. */
function arrived() {
  if (state.chosenName && fold(state.chosenName) !== fold(state.me)) {
    sendQuietly('/nick ' + state.chosenName);
  }
  const current = state.current;
  for (const c of state.conversations.values()) {
    if (c.kind === 'room' && c.joined && c.name !== null) {
      c.joined = false;
      sendQuietly('/join ' + c.name);
    }
  }
  // the hub puts a new member in its default room first; go back to what was shown
  state.focusNext = current;
}

function askForRooms() {
  state.silentRooms++;
  sendQuietly('/rooms');
}

function join(name) {
  state.focusNext = roomKey(name.replace(/^#/, ''));
  send('/join ' + name);
}

function leftRoom(c) {
  c.joined = false;
  c.members.clear();
  state.conversations.delete(c.key);
  if (state.current === c.key) {
    const next = [...state.conversations.values()].find((o) => o.kind === 'room' && o.joined);
    show(next ? next.key : null);
  }
  renderSidebar();
}

// ---- Showing it ------------------------------------------------------------------------------

function currentConversation() {
  return state.conversations.get(state.current) || null;
}

function clock(date) {
  return date.toTimeString().slice(0, 5);
}

/** A message said in a room or privately. */
function addMessage(c, m, mine, extraClass) {
  const item = document.createElement('li');
  item.className = m.style === 'action' ? 'action' : 'said';
  if (mine) {
    item.classList.add('mine');
  }
  if (extraClass) {
    item.classList.add(extraClass);
  }
  item.dataset.from = m.from;
  const time = document.createElement('time');
  time.dateTime = m.time;
  time.textContent = clock(new Date(m.time));
  const from = document.createElement('span');
  from.className = 'from';
  from.textContent = m.from;
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = m.text;
  item.append(time, from, text);
  add(c, item, !mine);
}

/** A notice, a reply or an error, in {@code c} (or the conversation shown). */
function addLine(c, kind, words) {
  const item = document.createElement('li');
  item.className = kind;
  const time = document.createElement('time');
  time.textContent = clock(new Date());
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = words;
  item.append(time, text);
  add(c, item, false);
}

function add(c, item, counts) {
  if (!c) {
    c = conversation('', 'none', null); // before any room: shown until one is entered
    if (!state.current) {
      state.current = '';
    }
  }
  c.messages.push(item);
  if (c.messages.length > MAX_KEPT) {
    c.messages.shift();
  }
  if (c.key === state.current) {
    const list = document.getElementById('messages');
    list.append(item);
    while (list.children.length > MAX_KEPT) {
      list.firstElementChild.remove();
    }
    list.scrollTop = list.scrollHeight;
    if (c.kind === 'room') {
      renderMembers();
    }
  } else if (counts) {
    c.unread++;
    renderSidebar();
  }
}

function show(key) {
  state.current = key;
  const c = currentConversation();
  if (c) {
    c.unread = 0;
  }
  const list = document.getElementById('messages');
  list.replaceChildren(...(c ? c.messages : []));
  list.scrollTop = list.scrollHeight;
  document.getElementById('title').textContent = !c || c.kind === 'none' ? '' : (c.kind === 'room' ? '#' : '') + c.name;
  document.getElementById('topic').textContent = c && c.kind === 'room' ? c.topic : '';
  renderSidebar();
  renderMembers();
  document.getElementById('input').focus();
}

function badge(className, text) {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  return span;
}

function sidebarItem(label, onClick) {
  const item = document.createElement('li');
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = label;
  item.append(name);
  item.addEventListener('click', onClick);
  return item;
}

function renderSidebar() {
  const rooms = document.getElementById('rooms');
  const privates = document.getElementById('privates');
  rooms.replaceChildren();
  privates.replaceChildren();
  let unread = 0;
  for (const c of state.conversations.values()) {
    if (c.kind === 'none') {
      continue;
    }
    const item = sidebarItem((c.kind === 'room' ? '#' : '') + c.name, () => show(c.key));
    item.dataset.key = c.key;
    if (c.key === state.current) {
      item.classList.add('current');
    }
    if (c.unread > 0) {
      item.append(badge('unread', String(c.unread)));
      unread += c.unread;
    }
    (c.kind === 'room' ? rooms : privates).append(item);
  }
  document.title = (unread > 0 ? '(' + unread + ') ' : '') + 'switchboard chat';
}

function renderMembers() {
  const list = document.getElementById('members');
  list.replaceChildren();
  const c = currentConversation();
  const count = document.getElementById('count');
  if (!c || c.kind !== 'room') {
    count.textContent = '';
    return;
  }
  count.textContent = '(' + c.count + ')';
  for (const member of c.members.values()) {
    const item = sidebarItem(member.name, () => {
      if (!state.me || fold(member.name) !== fold(state.me)) {
        show(conversation(personKey(member.name), 'private', member.name).key);
      }
    });
    item.prepend(badge('role', member.op ? '@' : member.voice ? '+' : ''));
    list.append(item);
  }
  if (c.members.size === 0 && c.count > 0) {
    const hint = document.createElement('li');
    hint.className = 'hint';
    hint.textContent = 'a big room: /who lists the members';
    list.append(hint);
  }
}

function setStatus(value) {
  const status = document.getElementById('status');
  status.dataset.state = value;
  status.textContent = value;
}

function showNotice(text, withButton) {
  document.getElementById('notice-text').textContent = text;
  document.getElementById('reconnect').hidden = !withButton;
  document.getElementById('notice').hidden = false;
}

function hideNotice() {
  document.getElementById('notice').hidden = true;
}

// ---- What the user does ----------------------------------------------------------------------

document.getElementById('say-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('input');
  const text = input.value;
  if (!text.trim()) {
    return;
  }
  const command = text.trim().split(/\s+/, 2);
  const verb = command[0].toLowerCase();
  if (verb === '/join' && command[1]) {
    state.focusNext = roomKey(command[1].replace(/^#/, ''));
  }
  if (verb === '/quit' || verb === '/exit') {
    state.quit = true;
  }
  if (send(text)) {
    input.value = '';
  }
});

document.getElementById('join-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('join');
  if (input.value.trim()) {
    join(input.value.trim());
    input.value = '';
  }
});

document.getElementById('reconnect').addEventListener('click', () => {
  state.quit = false;
  state.attempt = 0;
  connect();
});

connect();
