"""Migrate, seed and serve: `python run.py [--demo] [--host H] [--port P]`."""
import argparse

from app import create_app
from app.cli import announce_demo, announce_initial_admin, prepare_database


def main(argv=None):
    parser = argparse.ArgumentParser(description="技师奖励申报平台")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--demo", action="store_true", help="载入2015年演示活动、演示账号和演示申请")
    args = parser.parse_args(argv)

    app = create_app()
    with app.app_context():
        prepare_database()
        if args.demo:
            announce_demo()
        else:
            announce_initial_admin()
    print(f"技师奖励申报平台：http://{args.host}:{args.port}/")
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False)


if __name__ == "__main__":
    main()
