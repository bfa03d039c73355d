"""ivs.chat.ChatRoom (the Python binding) against ivs-local: the JavaScript SDK's concepts (token
provider, connect, send_message / delete_message / disconnect_user, listeners), blocking iteration and
`async for`, reconnecting through the token provider, and the examples (chat_tail, the moderation bot)
run as a user runs them."""
import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import LIBRARY, ROOT
from ivs.chat import ChatRequestError, ChatRoom


@pytest.fixture
def chat(make_client, fresh):
    return make_client('ivschat')


@pytest.fixture
def room_args(ivs_local_url):
    return dict(region_name='us-west-2', endpoint_url=ivs_local_url, url=ivs_local_url.replace('http', 'ws'),
                aws_access_key_id='test', aws_secret_access_key='test')


def next_matching(room, pred, seconds=5):
    end = time.monotonic() + seconds
    for event in room:
        if pred(event):
            return event
        if time.monotonic() > end:
            break
    raise AssertionError('no matching event')


def test_rooms_listeners_and_actions(chat, room_args):
    arn = chat.create_room()['arn']
    alice = ChatRoom(**room_args, create_token={'roomIdentifier': arn, 'userId': 'alice',
                                                'capabilities': ['SEND_MESSAGE', 'DELETE_MESSAGE']})
    bob = ChatRoom(**room_args, create_token={'roomIdentifier': arn, 'userId': 'bob', 'capabilities': ['SEND_MESSAGE']})
    seen = {'message': [], 'messageDelete': [], 'connect': [], 'userDisconnect': []}
    for name in seen:
        bob.add_listener(name, seen[name].append)
    remove = bob.add_listener('message', lambda e: seen.setdefault('removed', []).append(e))
    remove()
    with alice, bob:
        alice.connect()
        bob.connect()
        next_matching(alice, lambda e: e.get('State') == 'connected')
        next_matching(bob, lambda e: e.get('State') == 'connected')
        assert alice.state == 'connected'
        rid = alice.send_message('hi bob', attributes={'mood': 'good'})
        m = next_matching(bob, lambda e: e.get('Type') == 'MESSAGE')
        assert m['RequestId'] == rid and m['Attributes'] == {'mood': 'good'} and m['Sender']['UserId'] == 'alice'
        assert seen['message'] == [m] and 'removed' not in seen and len(seen['connect']) == 1
        alice.delete_message(m['Id'], reason='oops')
        d = next_matching(bob, lambda e: e.get('EventName') == 'aws:DELETE_MESSAGE')
        assert seen['messageDelete'] == [d] and d['Attributes']['MessageId'] == m['Id']
        with pytest.raises(ChatRequestError) as e:
            alice.send({'Action': 'SEND_MESSAGE'})
        assert e.value.status == 2 and e.value.code == 'ParamValidationError'
        with pytest.raises(ChatRequestError):
            bob.send_message('x' * 501)
        alice.disconnect()
        last = list(alice)
        assert last[-1]['State'] == 'disconnected' and last[-1]['Reason'] == 'clientClosed'
        assert alice.state == 'disconnected'
        with pytest.raises(ValueError):
            bob.add_listener('nope', print)


def test_a_request_larger_than_max_queued_bytes_is_sent(chat, room_args):
    """maxQueuedBytes at its least (1 KiB) and a message with attributes well over it: the empty queue
    takes it, and it arrives (a queue that refused it would answer ChatSendQueueFull forever)."""
    arn = chat.create_room()['arn']
    token = {'roomIdentifier': arn, 'userId': 'big', 'capabilities': ['SEND_MESSAGE']}
    with ChatRoom(**room_args, create_token=token, options={'maxQueuedBytes': 1024}) as room:
        room.connect()
        next_matching(room, lambda e: e.get('State') == 'connected')
        content = '\u00e9' * 500  # 1000 bytes of UTF-8
        attributes = {f'k{i}': 'v' * 40 for i in range(10)}
        rid = room.send_message(content, attributes=attributes)
        m = next_matching(room, lambda e: e.get('Type') == 'MESSAGE')
        assert m['RequestId'] == rid and m['Content'] == content and m['Attributes'] == attributes


def test_token_provider_and_reconnect(chat, control, room_args):
    arn = chat.create_room()['arn']
    calls = []

    def provider():
        calls.append(1)
        return control.post('chat/tokens', {'roomArn': arn, 'userId': 'tp', 'capabilities': ['SEND_MESSAGE']})

    room = ChatRoom(**room_args, token_provider=provider, options={'reconnect': {'initialDelayMs': 20}})
    with room:
        room.connect()
        next_matching(room, lambda e: e.get('State') == 'connected')
        assert len(calls) == 1
        control.post('chat/connections/drop', {'userId': 'tp', 'mode': 'reset'})
        e = next_matching(room, lambda e: e.get('State') == 'disconnected')
        assert e['Reason'] == 'network' and e['Reconnecting'] is True
        next_matching(room, lambda e: e.get('State') == 'connected')
        assert len(calls) == 2
        rid = room.send_message('back')
        assert next_matching(room, lambda e: e.get('Type') == 'MESSAGE')['RequestId'] == rid


def test_asyncio(chat, control, room_args):
    arn = chat.create_room()['arn']

    async def provider():
        await asyncio.sleep(0.01)
        return control.post('chat/tokens', {'roomArn': arn, 'userId': 'aio', 'capabilities': ['SEND_MESSAGE']})['token']

    async def main():
        room = ChatRoom(**room_args, token_provider=provider)
        got = []

        async def on_message(e):
            got.append(e['Content'])
        room.add_listener('message', on_message)
        room.connect()
        async for event in room:
            if event.get('State') == 'connected':
                room.send_message('one')
                room.send_message('two')
            if len(got) == 2:
                room.disconnect()
        room.close()
        return got, event
    got, last = asyncio.run(asyncio.wait_for(main(), 20))
    assert got == ['one', 'two'] and last['Reason'] == 'clientClosed'


def test_connect_errors(room_args):
    with pytest.raises(ChatRequestError) as e:
        ChatRoom(**room_args, options={'bogus': 1}).connect()
    assert e.value.status == 3
    with pytest.raises(ValueError):
        ChatRoom(token_provider=print, create_token={})


def test_ctrl_c_while_waiting_for_events_stops_the_program(chat, room_args, tmp_path):
    """A Ctrl-C that lands while the room waits in libivs for events, followed by an event within
    the same wait: Python raises KeyboardInterrupt in the first Python code to run, which is the
    event callback inside ivs_client_dispatch. ctypes prints and drops exceptions raised in
    callbacks, so the program has to get it back after the wait and stop. Each round sends
    SIGINT, then a message at once (well inside the room's 250 ms wait)."""
    arn = chat.create_room()['arn']
    script = tmp_path / 'waiter.py'
    script.write_text(textwrap.dedent(f"""
        import sys
        from ivs.chat import ChatRoom
        room = ChatRoom(region_name='us-west-2', endpoint_url={room_args['endpoint_url']!r}, url={room_args['url']!r},
                        create_token={{'roomIdentifier': {arn!r}, 'userId': sys.argv[1]}})
        room.connect()
        try:
            for event in room:
                if event.get('State') == 'connected':
                    print('connected', flush=True)
        except KeyboardInterrupt:
            print('interrupted', flush=True)
        finally:
            room.close()
    """))
    sender = ChatRoom(**room_args, create_token={'roomIdentifier': arn, 'userId': 'sender',
                                                 'capabilities': ['SEND_MESSAGE']}, options={'reconnect': False})
    with sender:
        sender.connect()
        next_matching(sender, lambda e: e.get('State') == 'connected')
        for round_ in range(5):
            waiter = subprocess.Popen([sys.executable, str(script), f'w{round_}'], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True,
                                      env=dict(example_env(), PYTHONPATH=os.path.join(ROOT, 'bindings', 'python')))
            try:
                wait_line(waiter, 'connected')
                time.sleep(0.3)  # into a fresh 250 ms wait, or the next
                waiter.send_signal(signal.SIGINT)
                sender.send_message(f'after the signal {round_}')
                out, err = waiter.communicate(timeout=10)
            finally:
                if waiter.poll() is None:
                    waiter.kill()
                    waiter.communicate()
            assert 'interrupted' in out and 'Exception ignored' not in err, (round_, out, err)
            assert waiter.returncode == 0, (round_, out, err)


# -- the examples -------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def chat_tail(tmp_path_factory):
    out = str(tmp_path_factory.mktemp('examples') / 'chat_tail')
    subprocess.run(['cc', '-O1', '-Wall', '-Werror', '-I', os.path.join(ROOT, 'include'),
                    os.path.join(ROOT, 'examples', 'chat_tail.c'), '-o', out, '-L', os.path.dirname(LIBRARY),
                    f'-Wl,-rpath,{os.path.dirname(LIBRARY)}', '-l:' + os.path.basename(LIBRARY), '-ljansson'],
                   check=True)
    return out


def example_env():
    return dict(os.environ, AWS_ACCESS_KEY_ID='test', AWS_SECRET_ACCESS_KEY='test', AWS_REGION='us-west-2',
                IVS_LIBRARY=LIBRARY, PYTHONUNBUFFERED='1')


def wait_line(proc, text, seconds=10):
    end = time.monotonic() + seconds
    lines = []
    while time.monotonic() < end:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f'no line with {text!r}: {lines}')


def test_chat_tail(chat, room_args, ivs_local_url, chat_tail):
    arn = chat.create_room()['arn']
    proc = subprocess.Popen([chat_tail, '--endpoint-url', ivs_local_url, '--url', room_args['url'], arn],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=example_env())
    try:
        wait_line(proc, '"connected"')
        chat.send_event(roomIdentifier=arn, eventName='app:hello', attributes={'who': 'test'})
        lines = wait_line(proc, 'app:hello')
        event = json.loads(lines[-1])
        assert event['Attributes'] == {'who': 'test'}
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    last = json.loads(out.strip().splitlines()[-1])
    assert last['State'] == 'disconnected' and last['Reason'] == 'clientClosed'


def test_moderation_bot(chat, room_args, ivs_local_url, tmp_path):
    arn = chat.create_room()['arn']
    words = tmp_path / 'words.txt'
    words.write_text('# banned\nspoiler\nscam\n')
    bot = subprocess.Popen([sys.executable, os.path.join(ROOT, 'examples', 'chat_moderation_bot.py'), '--room', arn,
                            '--words', str(words), '--strikes', '2', '--endpoint-url', ivs_local_url,
                            '--url', room_args['url']],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=example_env())
    try:
        wait_line(bot, 'connected')
        viewer = ChatRoom(**room_args, create_token={'roomIdentifier': arn, 'userId': 'troll',
                                                     'capabilities': ['SEND_MESSAGE']},
                          options={'reconnect': False})
        with viewer:
            viewer.connect()
            next_matching(viewer, lambda e: e.get('State') == 'connected')
            viewer.send_message('hello everyone')
            viewer.send_message('big SPOILER: it was a dream')
            ok = next_matching(viewer, lambda e: e.get('Content') == 'hello everyone')
            bad = next_matching(viewer, lambda e: e.get('Content', '').startswith('big'))
            d = next_matching(viewer, lambda e: e.get('EventName') == 'aws:DELETE_MESSAGE')
            assert d['Attributes']['MessageId'] == bad['Id'] != ok['Id'] and 'spoiler' in d['Attributes']['Reason']
            viewer.send_message('cheap scam here')
            e = next_matching(viewer, lambda e: e.get('State') == 'disconnected', seconds=10)
            assert e['Reason'] == 'serverClosed'
        wait_line(bot, 'disconnected troll')
    finally:
        bot.send_signal(signal.SIGINT)
        out, err = bot.communicate(timeout=10)
    assert bot.returncode == 0, err
