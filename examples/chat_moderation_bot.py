#!/usr/bin/env python3
"""A small IVS Chat moderation bot: joins a room and deletes every message that contains a word of a
word list (whole words, any case), telling the room why. Runs until interrupted (Ctrl-C).

    python3 examples/chat_moderation_bot.py --room ROOM_ARN --words words.txt
    python3 examples/chat_moderation_bot.py --room ROOM_ARN --word spoiler --word scam \\
        --endpoint-url http://127.0.0.1:4566 --url ws://127.0.0.1:4566      # against ivs-local

Credentials and the region come from the usual AWS sources unless given. The bot's token (minted by
libivs with CreateChatToken for every connect) has the DELETE_MESSAGE capability, and
DISCONNECT_USER with --strikes N (a user whose N-th message is deleted is disconnected). Needs the
ivs package (bindings/python) and libivs (IVS_LIBRARY)."""
import argparse
import collections
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'bindings', 'python'))
from ivs.chat import ChatRoom, ChatRequestError  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--room', required=True, help='the room ARN')
    p.add_argument('--words', help='a file with one word per line')
    p.add_argument('--word', action='append', default=[], help='a word (repeatable)')
    p.add_argument('--strikes', type=int, default=0, help='disconnect a user after this many deletions (0: never)')
    p.add_argument('--user', default='moderation-bot')
    p.add_argument('--region', default=os.environ.get('AWS_REGION') or os.environ.get('AWS_DEFAULT_REGION'))
    p.add_argument('--endpoint-url')
    p.add_argument('--url', help='the chat messaging URL (default wss://edge.ivschat.REGION.amazonaws.com)')
    args = p.parse_args(argv)

    words = list(args.word)
    if args.words:
        with open(args.words, encoding='utf-8') as f:
            words += [w.strip() for w in f if w.strip() and not w.startswith('#')]
    if not words:
        p.error('give --words FILE or --word WORD')
    pattern = re.compile(r'\b(' + '|'.join(re.escape(w) for w in words) + r')\b', re.IGNORECASE)
    capabilities = ['DELETE_MESSAGE'] + (['DISCONNECT_USER'] if args.strikes else [])
    room = ChatRoom(args.region, endpoint_url=args.endpoint_url, url=args.url,
                    create_token={'roomIdentifier': args.room, 'userId': args.user, 'capabilities': capabilities},
                    max_reconnect_attempts=0)
    strikes = collections.Counter()

    def moderate(message):
        found = pattern.search(message.get('Content', ''))
        if not found:
            return
        user = message['Sender']['UserId']
        try:
            room.delete_message(message['Id'], reason=f'contains "{found.group(1).lower()}"')
            print(f'deleted {message["Id"]} from {user}', flush=True)
            strikes[user] += 1
            if args.strikes and strikes[user] >= args.strikes:
                room.disconnect_user(user, reason=f'{strikes[user]} messages deleted')
                print(f'disconnected {user}', flush=True)
        except ChatRequestError as e:  # not connected at this moment: the message stays
            print(f'could not moderate {message["Id"]}: {e}', file=sys.stderr, flush=True)

    room.add_listener('message', moderate)
    room.add_listener('connect', lambda e: print('connected', flush=True))
    room.add_listener('disconnect', lambda e: print(f'disconnected: {e["Reason"]}: {e["Message"]}', flush=True))
    room.add_listener('error', lambda e: print(f'error {e["ErrorCode"]}: {e["ErrorMessage"]}', file=sys.stderr, flush=True))
    room.connect()
    try:
        for _ in room:  # listeners run as events arrive; ends when the room gives up for good
            pass
    except KeyboardInterrupt:
        pass
    finally:
        room.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
