"""Migrate, seed and serve: `python run.py [--demo] [--host H] [--port P] [--no-jobs]`.

The job queue's consumer runs beside the web server in this process (worker threads), unless --no-jobs
(then run `huey_consumer app.jobs.worker.huey` elsewhere)."""
import argparse

from app import create_app
from app.cli import announce_demo, announce_initial_admin, prepare_database
from app.jobs.consumer import start_embedded, stop_embedded


def main(argv=None):
    parser = argparse.ArgumentParser(description="技师奖励申报平台")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--demo", action="store_true", help="载入2015年演示活动、演示账号和演示申请")
    parser.add_argument("--no-jobs", action="store_true", help="不在本进程中运行后台任务（另行启动 huey_consumer）")
    args = parser.parse_args(argv)

    app = create_app()
    with app.app_context():
        prepare_database()
        if args.demo:
            announce_demo()
        else:
            announce_initial_admin()
    consumer = None if args.no_jobs else start_embedded(app)
    print(f"技师奖励申报平台：http://{args.host}:{args.port}/")
    try:
        app.run(host=args.host, port=args.port, debug=False, use_reloader=False)
    finally:
        if consumer is not None:
            stop_embedded(consumer)


if __name__ == "__main__":
    main()
